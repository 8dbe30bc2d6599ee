//! How settings are kept in localStorage: plain strings under `pocket.*` keys. Until 2026-11 they
//! were JSON strings (`"zh"`, with the quotes); those still read right.

/// A stored setting's text. Values written as JSON strings lose their quotes and escapes.
pub fn decode(stored: &str) -> String {
    let Some(inner) = stored.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
        return stored.to_owned();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let code: String = chars.by_ref().take(4).collect();
                out.extend(u32::from_str_radix(&code, 16).ok().and_then(char::from_u32));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn plain_and_json_written_settings_read_the_same() {
        assert_eq!(decode("zh"), "zh");
        assert_eq!(decode("\"zh\""), "zh");
        assert_eq!(decode("\"李 \\\"小\\\" 明\\\\\""), "李 \"小\" 明\\");
        assert_eq!(decode("\"#/customers?tier=key\""), "#/customers?tier=key");
        assert_eq!(decode("\"a\\u0009b\""), "a\tb");
        assert_eq!(decode("\""), "\"");
        assert_eq!(decode(""), "");
    }
}
