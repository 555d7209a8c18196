//! Name normalisation: the key under which spellings of one place meet.
//!
//! News reports, GeoNames and local usage spell place names many ways ("Deir el-Zor",
//! "Deir ez-Zor", "Dayr az Zawr"; "Mykolaiv", "Mykolayiv", "Миколаїв"). The key always
//! folds away case, diacritics, apostrophes and the letter ʿayn, hyphens and spaces. A
//! scenario then chooses further [`Folding`] rules for its languages: the Arabic article
//! in its assimilated forms, a final tāʾ marbūṭa written "-ah"/"-eh", doubled letters,
//! the common transliterations of Cyrillic, and Turkic Latin (Azerbaijani, Turkish) with its
//! English spellings. What no rule folds (Deir/Dayr, Kharkiv/Kharkov) the gazetteer lists as
//! aliases.

use std::fmt;

/// Forms of the Arabic article "al-" as transliterated, including the sun-letter
/// assimilations (ad-, ash-, az- ...). Dropped when another word remains.
const ARTICLES: &[&str] =
    &["al", "el", "ad", "ar", "as", "ash", "az", "ez", "at", "ath", "adh", "an", "ed", "er", "es", "et", "en", "ul"];

/// Cyrillic letters (Ukrainian, Russian, Belarusian) in one Latin spelling. The spelling
/// only needs to land in the same [`Folding::cyrillic`] key as the usual romanisations,
/// so г is "h" (Ukrainian usage; Russian "g" folds to it) and й is "i". The page's
/// search box gets this table from the data, so both fold alike.
pub const CYRILLIC: &[(char, &str)] = &[
    ('а', "a"),
    ('б', "b"),
    ('в', "v"),
    ('г', "h"),
    ('ґ', "g"),
    ('д', "d"),
    ('е', "e"),
    ('є', "ie"),
    ('ё', "io"),
    ('ж', "zh"),
    ('з', "z"),
    ('и', "y"),
    ('і', "i"),
    ('ї', "i"),
    ('й', "i"),
    ('к', "k"),
    ('л', "l"),
    ('м', "m"),
    ('н', "n"),
    ('о', "o"),
    ('п', "p"),
    ('р', "r"),
    ('с', "s"),
    ('т', "t"),
    ('у', "u"),
    ('ў', "u"),
    ('ф', "f"),
    ('х', "kh"),
    ('ц', "ts"),
    ('ч', "ch"),
    ('ш', "sh"),
    ('щ', "shch"),
    ('ь', ""),
    ('ъ', ""),
    ('ы', "y"),
    ('э', "e"),
    ('ю', "iu"),
    ('я', "ia"),
];

/// The letters of Turkic Latin alphabets (Azerbaijani, Turkish) that no diacritic folding
/// reaches, in the spelling English reports use: ç is "ch", ş "sh", ğ "gh", ə (and its
/// look-alike U+01DD) "a", the dotless ı "i". The page's search box gets this table from
/// the data, so both fold alike.
pub const TURKIC: &[(char, &str)] = &[
    ('ç', "ch"),
    ('ş', "sh"),
    ('ğ', "gh"),
    ('ı', "i"),
    ('ə', "a"),
    ('ǝ', "a"),
    ('ö', "o"),
    ('ü', "u"),
    // "İ".to_lowercase() is "i" and a combining dot above.
    ('\u{307}', ""),
];

/// Which spelling variants a scenario lets meet. Every key folds case, diacritics,
/// punctuation and spaces; these rules fold more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Folding {
    /// Drop the Arabic article (al-, el-, ash-, az- …) when another word remains.
    pub arabic_article: bool,
    /// Drop the "h" of a final "-ah"/"-eh" (tāʾ marbūṭa: Raqqah, Raqqa).
    pub arabic_ending: bool,
    /// Collapse doubled letters (Maarrat, Marat).
    pub double_letters: bool,
    /// Fold the usual romanisations of Cyrillic into one: kh/h/g, y/i/j, ts/c, w/v,
    /// iotated vowels (ia/ya/a, ie/ye/e, iu/yu/u) and doubled letters, so "Kharkiv",
    /// "Harkiv" and "Харків", or "Zaporizhzhia", "Zaporizhia" and "Запоріжжя", meet.
    pub cyrillic: bool,
    /// Fold Turkic Latin (Azerbaijani, Turkish) and its English spellings into one: ç/ch/c,
    /// ş/sh/s, ğ/gh/g, ə/a/e, ı/i, c/j, x/kh, q/g, y/i, so "Laçın" meets "Lachin",
    /// "Zəngilan" "Zangilan", "Xocalı" "Khojaly" and "Qubadlı" "Gubadly".
    pub turkic: bool,
}

impl Default for Folding {
    /// The rules of the first dataset (Syria): the Arabic article and ending and
    /// doubled letters. A scenario without a `[names]` table keeps them.
    fn default() -> Folding {
        Folding { arabic_article: true, arabic_ending: true, double_letters: true, cyrillic: false, turkic: false }
    }
}

/// A rule name that [`Folding::from_names`] does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRule(pub String);

impl fmt::Display for UnknownRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known: Vec<&str> = Folding::RULES.iter().map(|(name, _)| *name).collect();
        write!(f, "unknown folding rule {}: expected one of {}", crate::error::echo(&self.0), known.join(", "))
    }
}

impl Folding {
    /// The rules by name, with what each does, as `scenario.toml` names them.
    pub const RULES: &'static [(&'static str, &'static str)] = &[
        ("arabic-article", "drops al-, el-, ash-, az- and the other forms of the Arabic article"),
        ("arabic-ending", "drops the h of a final -ah/-eh (Raqqah = Raqqa)"),
        ("double-letters", "collapses doubled letters (Maarrat = Marat)"),
        ("cyrillic", "folds Cyrillic and its common romanisations (Kharkiv = Harkiv = Харків)"),
        (
            "turkic",
            "folds Azerbaijani and Turkish letters and their English spellings (Lachin = Laçın, Khojaly = Xocalı)",
        ),
    ];

    /// No rule beyond the ones every key applies.
    pub fn none() -> Folding {
        Folding { arabic_article: false, arabic_ending: false, double_letters: false, cyrillic: false, turkic: false }
    }

    /// The rules named, e.g. `["arabic-article", "double-letters"]`.
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Result<Folding, UnknownRule> {
        let mut folding = Folding::none();
        for name in names {
            let flag = match name.as_ref().trim() {
                "arabic-article" => &mut folding.arabic_article,
                "arabic-ending" => &mut folding.arabic_ending,
                "double-letters" => &mut folding.double_letters,
                "cyrillic" => &mut folding.cyrillic,
                "turkic" => &mut folding.turkic,
                other => return Err(UnknownRule(other.to_string())),
            };
            *flag = true;
        }
        Ok(folding)
    }

    /// The names of the rules in force, in [`Folding::RULES`] order.
    pub fn names(&self) -> Vec<&'static str> {
        let on = [self.arabic_article, self.arabic_ending, self.double_letters, self.cyrillic, self.turkic];
        Folding::RULES.iter().zip(on).filter(|(_, on)| *on).map(|((name, _), _)| *name).collect()
    }

    /// The matching key of a name under these rules. Two spellings refer to the same
    /// name when their keys are equal.
    ///
    /// ```
    /// use frontline::gazetteer::Folding;
    /// let ukraine = Folding::from_names(&["cyrillic"]).unwrap();
    /// assert_eq!(ukraine.key("Mykolaiv"), ukraine.key("Миколаїв"));
    /// assert_eq!(ukraine.key("Zaporizhzhia"), ukraine.key("Zaporizhia"));
    /// ```
    pub fn key(&self, name: &str) -> String {
        let lower = name.to_lowercase();
        let lower = if self.turkic { transliterate(&lower, TURKIC) } else { lower };
        let latin = if self.cyrillic { transliterate(&lower, CYRILLIC) } else { lower };
        let ascii = deunicode::deunicode(&latin).to_lowercase();
        let cleaned: String = ascii
            .chars()
            .filter(|c| !matches!(c, '\'' | '"' | '`'))
            .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
            .collect();
        let tokens: Vec<&str> = cleaned.split_whitespace().collect();
        let keep_articles = !self.arabic_article || tokens.iter().all(|t| ARTICLES.contains(t));
        let mut key = String::with_capacity(cleaned.len());
        for token in tokens {
            if !keep_articles && ARTICLES.contains(&token) {
                continue;
            }
            key.push_str(&self.fold_token(token));
        }
        key
    }

    fn fold_token(&self, token: &str) -> String {
        let mut out = if self.turkic { fold_turkic(token) } else { token.to_string() };
        if self.cyrillic {
            out = fold_romanisation(&out);
        }
        if self.double_letters || self.cyrillic {
            out = collapse_doubles(&out);
        }
        if self.arabic_ending && out.len() > 3 && (out.ends_with("ah") || out.ends_with("eh")) {
            out.pop();
        }
        out
    }
}

/// The matching key of a name under the default rules (see [`Folding::default`]).
///
/// ```
/// use frontline::gazetteer::normalize_name;
/// assert_eq!(normalize_name("Deir el-Zor"), normalize_name("Deir ez-Zor"));
/// assert_eq!(normalize_name("Ḩamāh"), normalize_name("Hama"));
/// assert_eq!(normalize_name("Al Quşayr"), normalize_name("Qusayr"));
/// ```
pub fn normalize_name(name: &str) -> String {
    Folding::default().key(name)
}

/// Lower-case letters of `table` in its Latin spelling; other characters as they are.
fn transliterate(lower: &str, table: &[(char, &str)]) -> String {
    let mut out = String::with_capacity(lower.len());
    for c in lower.chars() {
        match table.iter().find(|(letter, _)| *letter == c) {
            Some((_, latin)) => out.push_str(latin),
            None => out.push(c),
        }
    }
    out
}

/// One spelling for the letters romanisations of Cyrillic disagree on. The key is
/// internal, so "zh" may become an upper-case "Z" that no plain letter can imitate.
fn fold_romanisation(token: &str) -> String {
    let digraphs = token.replace("zh", "Z").replace("kh", "h").replace("ts", "c").replace("tz", "c");
    let letters: Vec<char> = digraphs
        .chars()
        .map(|c| match c {
            'g' => 'h',
            'w' => 'v',
            'y' | 'j' => 'i',
            other => other,
        })
        .collect();
    // An "i" before another vowel only marks iotation (ya/ia/ja, ye/ie/je, yu/iu/ju).
    let mut out = String::with_capacity(letters.len());
    for (i, &c) in letters.iter().enumerate() {
        let iotation = c == 'i' && matches!(letters.get(i + 1), Some('a' | 'e' | 'o' | 'u'));
        if !iotation {
            out.push(c);
        }
    }
    out
}

/// One spelling for the sounds Turkic Latin and English spell differently: Azerbaijani c
/// and x are English j and kh, q is often g, and Turkish names lose their cedillas in
/// ASCII (Canakkale), so ch/c, sh/s, gh/g, j/c, kh/x, q/g, y/i and e/a (English writes ə
/// either way) each become one letter.
fn fold_turkic(token: &str) -> String {
    let digraphs = token.replace("kh", "x").replace("gh", "g").replace("ch", "c").replace("sh", "s");
    digraphs
        .chars()
        .map(|c| match c {
            'j' => 'c',
            'q' => 'g',
            // ə is "a" in some English spellings (Zangilan) and "e" in others (Khojavend).
            'e' => 'a',
            'y' => 'i',
            other => other,
        })
        .collect()
}

fn collapse_doubles(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut last = None;
    for c in token.chars() {
        if Some(c) != last {
            out.push(c);
        }
        last = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize_name as key;

    #[test]
    fn spellings_from_the_news_meet_their_gazetteer_forms() {
        let same = [
            ("Hama", "Ḩamāh"),
            ("Deir el-Zor", "Deir ez-Zor"),
            ("Qusayr", "Al-Qusayr"),
            ("Qusayr", "Al Quşayr"),
            ("Saydnaya", "Şaydnāyā"),
            ("Daraa", "Dar‘ā"),
            ("Deraa", "Deraa"),
            ("Tartus", "Ţarţūs"),
            ("Suwayda", "As-Suwayda"),
            ("Raqqa", "Ar-Raqqah"),
            ("Jisr al-Shughur", "Jisr ash Shughur"),
            ("HOMS", "homs"),
            ("Ma'arrat al-Nu'man", "Maarrat an-Numan"),
        ];
        for (a, b) in same {
            assert_eq!(key(a), key(b), "{a} vs {b}");
        }
    }

    #[test]
    fn different_names_stay_apart() {
        assert_ne!(key("Hama"), key("Homs"));
        assert_ne!(key("Idlib"), key("Daraa"));
        assert_ne!(key("Tall Abyad"), key("Tall Rifat"));
    }

    #[test]
    fn a_lone_article_is_kept() {
        assert_eq!(key("Al"), "al");
        assert_eq!(key(""), "");
        assert_eq!(key("  - ' "), "");
    }
}

#[cfg(test)]
mod folding_tests {
    use super::Folding;

    fn cyrillic() -> Folding {
        Folding::from_names(&["cyrillic"]).unwrap()
    }

    #[test]
    fn romanisations_of_one_cyrillic_name_meet() {
        let f = cyrillic();
        let groups: &[&[&str]] = &[
            &["Mykolaiv", "Mykolayiv", "Mikolaiv", "Mykolajiv", "Миколаїв"],
            &["Kharkiv", "Harkiv", "Харків"],
            &["Zaporizhzhia", "Zaporizhia", "Zaporizhzhya", "Запоріжжя"],
            &["Kyiv", "Kyyiv", "Київ"],
            &["Izium", "Izyum", "Izjum", "Ізюм"],
            &["Horlivka", "Gorlivka", "Горлівка"],
            &["Sievierodonetsk", "Syeverodonetsk", "Severodonetsk", "Сєвєродонецьк"],
            &["Huliaipole", "Hulyaipole", "Gulyaypole", "Гуляйполе"],
            &["Mariinka", "Mar'inka", "Maryinka", "Мар'їнка"],
            &["Lysychansk", "Lisichansk", "Лисичанськ"],
            &["Vuhledar", "Wuhledar", "Вугледар"],
            &["Donetsk", "Donieck", "Донецьк"],
        ];
        for group in groups {
            let first = f.key(group[0]);
            for name in &group[1..] {
                assert_eq!(f.key(name), first, "{name} vs {}", group[0]);
            }
        }
    }

    #[test]
    fn different_cyrillic_names_stay_apart() {
        let f = cyrillic();
        for (a, b) in [("Kharkiv", "Kherson"), ("Kyiv", "Kiev"), ("Pokrovsk", "Popasna"), ("Bakhmut", "Balakliia")] {
            assert_ne!(f.key(a), f.key(b), "{a} vs {b}");
        }
    }

    #[test]
    fn turkic_latin_meets_its_english_spellings() {
        let f = Folding::from_names(&["turkic"]).unwrap();
        let groups: &[&[&str]] = &[
            &["Lachin", "Laçın", "Lacin"],
            &["Zangilan", "Zəngilan", "Z\u{1dd}ngilan"],
            &["Fuzuli", "Füzuli"],
            &["Khojaly", "Xocalı", "Xocali"],
            &["Gubadly", "Qubadlı"],
            &["Jabrayil", "Cəbrayıl"],
            &["Aghdam", "Ağdam"],
            &["Kalbajar", "Kəlbəcər"],
            &["Shusha", "Şuşa", "Susa"],
            &["Khojavend", "Xocavənd", "Khojavand"],
            &["Terter", "Tərtər", "Tartar"],
            &["Istanbul", "İstanbul"],
            &["Sanliurfa", "Şanlıurfa"],
        ];
        for group in groups {
            let first = f.key(group[0]);
            for name in &group[1..] {
                assert_eq!(f.key(name), first, "{name} vs {}", group[0]);
            }
        }
        for (a, b) in [("Lachin", "Kalbajar"), ("Qubadli", "Zangilan"), ("Aghdam", "Aghdara"), ("Fuzuli", "Hadrut")] {
            assert_ne!(f.key(a), f.key(b), "{a} vs {b}");
        }
        let plain = Folding::default();
        assert_ne!(plain.key("Lachin"), plain.key("Laçın"), "only the rule folds ç to ch");
        assert_eq!(f.names(), vec!["turkic"]);
    }

    #[test]
    fn rules_are_chosen_by_name_and_only_apply_when_chosen() {
        assert_eq!(Folding::from_names(&["arabic-article", "arabic-ending", "double-letters"]), Ok(Folding::default()));
        let plain = Folding::none();
        assert_ne!(plain.key("Al-Qusayr"), plain.key("Qusayr"));
        assert_ne!(plain.key("Harkiv"), plain.key("Kharkiv"));
        assert_eq!(plain.key("Ḩamāh"), plain.key("hamah"), "case and diacritics always fold");
        let err = Folding::from_names(&["arabic", "cyrillic"]).unwrap_err().to_string();
        assert!(err.contains("\"arabic\"") && err.contains("arabic-article, arabic-ending"), "{err}");
        assert_eq!(cyrillic().names(), vec!["cyrillic"]);
    }
}
