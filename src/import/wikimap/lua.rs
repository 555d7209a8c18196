//! The part of Lua that Wikipedia's detailed-map modules are written in: assignments of
//! literal tables (`mk = { con = "80x80-red-blue-anim.gif" }`), then `return { … }`, with
//! strings in any of Lua's quotes, numbers, comments, and references to fields of the
//! tables assigned before (`mark = mk.con`). Nothing is executed: anything else is an error
//! naming the line and what was expected.

use std::collections::HashMap;

use crate::error::{Error, Location, Result};

/// A literal value and the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string, its escapes read.
    Str(String),
    /// A number, as written (callers parse it; `"36.2"` and `36.2` mean the same to them).
    Num(String),
    /// `true`, `false`.
    Bool(bool),
    /// `nil`.
    Nil,
    /// A table: its fields in order, each with its key (`None` for positional entries)
    /// and the line the field starts on.
    Table(Vec<Field>),
}

/// One field of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// `name = …` or `["name"] = …`; `None` for a positional entry.
    pub key: Option<String>,
    /// The value.
    pub value: Value,
    /// The line the field starts on (1-based).
    pub line: u64,
}

impl Value {
    /// The text of a string or number.
    pub fn text(&self) -> Option<&str> {
        match self {
            Value::Str(s) | Value::Num(s) => Some(s),
            _ => None,
        }
    }

    /// The field `key` of a table.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.field(key).map(|f| &f.value)
    }

    /// The field `key` of a table, with its line.
    pub fn field(&self, key: &str) -> Option<&Field> {
        match self {
            Value::Table(fields) => fields.iter().find(|f| f.key.as_deref() == Some(key)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Str(String),
    Num(String),
    Sym(char),
    Eof,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::Name(n) => format!("the name {n}"),
            Token::Str(s) => format!("the string {}", crate::error::echo(s)),
            Token::Num(n) => format!("the number {n}"),
            Token::Sym(c) => format!("'{c}'"),
            Token::Eof => "the end of the file".into(),
        }
    }
}

struct Lexer<'a> {
    text: &'a [u8],
    src: &'a str,
    pos: usize,
    line: u64,
    file: &'a str,
}

impl<'a> Lexer<'a> {
    fn error(&self, line: u64, expected: &str, found: String) -> Error {
        Error::Parse { at: Location::line(self.file, line), expected: expected.to_string(), found }
    }

    fn peek_byte(&self, ahead: usize) -> Option<u8> {
        self.text.get(self.pos + ahead).copied()
    }

    /// The level of a long bracket opening at `pos` (`[[` is 0, `[==[` is 2), if one does.
    fn long_bracket(&self) -> Option<usize> {
        if self.peek_byte(0) != Some(b'[') {
            return None;
        }
        let mut level = 0;
        while self.peek_byte(1 + level) == Some(b'=') {
            level += 1;
        }
        (self.peek_byte(1 + level) == Some(b'[')).then_some(level)
    }

    /// Reads a long bracket's text (the opening is at `pos`).
    fn long_text(&mut self, level: usize) -> Result<String> {
        let start_line = self.line;
        self.pos += level + 2;
        let close = format!("]{}]", "=".repeat(level));
        let rest = &self.src[self.pos..];
        let Some(end) = rest.find(&close) else {
            return Err(self.error(start_line, &format!("a closing {close} for the text opened here"), "none".into()));
        };
        let mut body = &rest[..end];
        self.line += body.matches('\n').count() as u64;
        self.pos += end + close.len();
        // Lua drops a newline right after the opening bracket.
        body = body.strip_prefix("\r\n").or_else(|| body.strip_prefix('\n')).unwrap_or(body);
        Ok(body.to_string())
    }

    fn skip_space_and_comments(&mut self) -> Result<()> {
        loop {
            match self.peek_byte(0) {
                Some(b'\n') => {
                    self.line += 1;
                    self.pos += 1;
                }
                Some(c) if c.is_ascii_whitespace() => self.pos += 1,
                Some(b'-') if self.peek_byte(1) == Some(b'-') => {
                    self.pos += 2;
                    if let Some(level) = self.long_bracket() {
                        self.long_text(level)?;
                    } else {
                        while let Some(c) = self.peek_byte(0) {
                            if c == b'\n' {
                                break;
                            }
                            self.pos += 1;
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn quoted(&mut self, quote: u8) -> Result<String> {
        let start_line = self.line;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.src[self.pos..].chars().next() else {
                return Err(self.error(
                    start_line,
                    &format!("a closing {} for the string opened here", quote as char),
                    "the end of the file".into(),
                ));
            };
            self.pos += c.len_utf8();
            match c {
                '\n' => {
                    return Err(self.error(
                        start_line,
                        &format!("a closing {} on the same line", quote as char),
                        "a line break".into(),
                    ));
                }
                c if c as u32 == quote as u32 => return Ok(out),
                '\\' => {
                    let Some(e) = self.src[self.pos..].chars().next() else { continue };
                    self.pos += e.len_utf8();
                    out.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                }
                c => out.push(c),
            }
        }
    }

    fn next(&mut self) -> Result<(Token, u64)> {
        self.skip_space_and_comments()?;
        let line = self.line;
        let Some(c) = self.peek_byte(0) else { return Ok((Token::Eof, line)) };
        let token = match c {
            b'"' | b'\'' => Token::Str(self.quoted(c)?),
            b'[' if self.long_bracket().is_some() => {
                let level = self.long_bracket().unwrap_or(0);
                Token::Str(self.long_text(level)?)
            }
            b'0'..=b'9' | b'.' if c != b'.' || self.peek_byte(1).is_some_and(|d| d.is_ascii_digit()) => {
                let start = self.pos;
                while self.peek_byte(0).is_some_and(|d| d.is_ascii_alphanumeric() || d == b'.' || d == b'_') {
                    self.pos += 1;
                }
                Token::Num(self.src[start..self.pos].to_string())
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = self.pos;
                while self.peek_byte(0).is_some_and(|d| d.is_ascii_alphanumeric() || d == b'_') {
                    self.pos += 1;
                }
                Token::Name(self.src[start..self.pos].to_string())
            }
            b'{' | b'}' | b'=' | b',' | b';' | b'.' | b'[' | b']' | b'-' => {
                self.pos += 1;
                Token::Sym(c as char)
            }
            _ => {
                let ch = self.src[self.pos..].chars().next().unwrap_or('?');
                return Err(self.error(line, "a table, a string, a number or a name", format!("{ch:?}")));
            }
        };
        Ok((token, line))
    }
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    token: Token,
    line: u64,
    /// The tables assigned so far, for `name.field` references.
    names: HashMap<String, Value>,
}

impl Parser<'_> {
    fn advance(&mut self) -> Result<()> {
        (self.token, self.line) = self.lexer.next()?;
        Ok(())
    }

    fn error(&self, expected: &str) -> Error {
        self.lexer.error(self.line, expected, self.token.describe())
    }

    fn expect(&mut self, c: char) -> Result<()> {
        if self.token != Token::Sym(c) {
            return Err(self.error(&format!("'{c}'")));
        }
        self.advance()
    }

    fn value(&mut self) -> Result<Value> {
        let value = match std::mem::replace(&mut self.token, Token::Eof) {
            Token::Str(s) => Value::Str(s),
            Token::Num(n) => Value::Num(n),
            Token::Sym('-') => {
                self.advance()?;
                return match &self.token {
                    Token::Num(n) => {
                        let v = Value::Num(format!("-{n}"));
                        self.advance()?;
                        Ok(v)
                    }
                    _ => Err(self.error("a number after '-'")),
                };
            }
            Token::Sym('{') => {
                self.advance()?;
                return self.table();
            }
            Token::Name(n) if n == "true" || n == "false" => Value::Bool(n == "true"),
            Token::Name(n) if n == "nil" => Value::Nil,
            Token::Name(n) => {
                // A reference: name, then .field as many times as written.
                let line = self.line;
                let mut path = vec![n];
                self.advance()?;
                while self.token == Token::Sym('.') {
                    self.advance()?;
                    match std::mem::replace(&mut self.token, Token::Eof) {
                        Token::Name(f) => path.push(f),
                        other => {
                            self.token = other;
                            return Err(self.error("a field name after '.'"));
                        }
                    }
                    self.advance()?;
                }
                let mut found = self.names.get(&path[0]);
                for key in &path[1..] {
                    found = found.and_then(|v| v.get(key));
                }
                return found.cloned().ok_or_else(|| {
                    self.lexer.error(
                        line,
                        "a string, a number, a table, or a field of a table assigned above",
                        path.join("."),
                    )
                });
            }
            other => {
                self.token = other;
                return Err(self.error("a value: a string, a number or a table"));
            }
        };
        self.advance()?;
        Ok(value)
    }

    /// A table's fields, after its `{`.
    fn table(&mut self) -> Result<Value> {
        let mut fields = Vec::new();
        loop {
            if self.token == Token::Sym('}') {
                self.advance()?;
                return Ok(Value::Table(fields));
            }
            let line = self.line;
            let key = match &self.token {
                Token::Sym('[') => {
                    self.advance()?;
                    let key = self.value()?;
                    self.expect(']')?;
                    self.expect('=')?;
                    Some(key.text().map(str::to_string).ok_or_else(|| self.error("a string or number key"))?)
                }
                Token::Name(n) if !matches!(n.as_str(), "true" | "false" | "nil") => {
                    // `name = value`, or a reference used as a positional value.
                    let save = (self.lexer.pos, self.lexer.line, self.token.clone(), self.line);
                    let name = n.clone();
                    self.advance()?;
                    if self.token == Token::Sym('=') {
                        self.advance()?;
                        Some(name)
                    } else {
                        (self.lexer.pos, self.lexer.line, self.token, self.line) = save;
                        None
                    }
                }
                _ => None,
            };
            let value = self.value()?;
            fields.push(Field { key, value, line });
            match self.token {
                Token::Sym(',') | Token::Sym(';') => self.advance()?,
                Token::Sym('}') => {}
                _ => return Err(self.error("',' or '}' after a table field")),
            }
        }
    }
}

/// Reads a module's text: its assignments, then the table it returns (with the line of
/// its `return`).
pub fn read_module(text: &str, file: &str) -> Result<(Value, u64)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lexer = Lexer { text: text.as_bytes(), src: text, pos: 0, line: 1, file };
    let mut p = Parser { lexer, token: Token::Eof, line: 1, names: HashMap::new() };
    p.advance()?;
    loop {
        match std::mem::replace(&mut p.token, Token::Eof) {
            Token::Name(n) if n == "return" => {
                let line = p.line;
                p.advance()?;
                let value = p.value()?;
                if p.token == Token::Sym(';') {
                    p.advance()?;
                }
                if p.token != Token::Eof {
                    return Err(p.error("the end of the module after its return"));
                }
                return Ok((value, line));
            }
            Token::Name(n) if n == "local" => p.advance()?,
            Token::Name(n) => {
                p.advance()?;
                p.expect('=')?;
                let value = p.value()?;
                p.names.insert(n, value);
                if p.token == Token::Sym(';') {
                    p.advance()?;
                }
            }
            Token::Eof => return Err(p.error("`return { marks = { … } }`")),
            other => {
                p.token = other;
                return Err(p.error("an assignment (name = { … }) or `return { … }`"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strings_numbers_comments_and_references() {
        let text = "-- shortcuts\nmk = { con = \"80x80-red-blue-anim.gif\", lp = { b = 'bottom' } }\n--[[ a block\ncomment ]]\nreturn {\n\tmarks = {\n\t\t{ lat = \"46.3\", long = -31.1, mark = mk.con, label = [[Tripoli, Lebanon|Tripoli]], position = mk.lp.b },\n\t},\n\tcontainerArgs = { 'x', caption = [=[a ]] b]=] },\n}\n";
        let (v, line) = read_module(text, "m.lua").unwrap();
        assert_eq!(line, 5);
        let marks = v.field("marks").unwrap();
        assert_eq!(marks.line, 6);
        let Value::Table(marks) = &marks.value else { panic!() };
        let m = &marks[0];
        assert_eq!(m.line, 7);
        assert_eq!(m.value.get("lat").and_then(Value::text), Some("46.3"));
        assert_eq!(m.value.get("long").and_then(Value::text), Some("-31.1"));
        assert_eq!(m.value.get("mark").and_then(Value::text), Some("80x80-red-blue-anim.gif"));
        assert_eq!(m.value.get("label").and_then(Value::text), Some("Tripoli, Lebanon|Tripoli"));
        assert_eq!(m.value.get("position").and_then(Value::text), Some("bottom"));
        assert_eq!(v.get("containerArgs").and_then(|c| c.get("caption")).and_then(Value::text), Some("a ]] b"));
    }

    #[test]
    fn errors_name_the_line_and_what_was_expected() {
        for (text, line, expected) in [
            ("return {\n  marks = {\n    { lat = \"1\" long = \"2\" },\n  }\n}\n", 3, "',' or '}'"),
            ("return {\n  marks = { { mark = mk.con } }\n}\n", 2, "assigned above"),
            ("return {\n  x = \"open\n}\n", 2, "closing"),
            ("x = 1\n", 2, "return"),
            ("return { a = [==[ never closed }\n", 1, "closing ]==]"),
            ("return { a = 1 } extra", 1, "end of the module"),
            ("return { a = @ }", 1, "a table, a string"),
        ] {
            let err = read_module(text, "m.lua").unwrap_err().to_string();
            assert!(err.contains(&format!("m.lua:{line}")) && err.contains(expected), "{text:?}: {err}");
        }
    }
}
