//! A file's text encoding. Chinese Excel saves CSV as GBK (read as GB18030, its superset) unless
//! told otherwise, and "Unicode text" as UTF-16 with a BOM; other tools write UTF-8 with or
//! without a BOM. `encoding_rs` does the decoding.

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 (BOM)",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Gb18030 => "GBK/GB18030",
        }
    }
}

/// Decodes `bytes`, detecting the encoding. Returns the text, the encoding, and whether some
/// bytes could not be decoded (they become U+FFFD).
pub fn decode(bytes: &[u8]) -> (String, TextEncoding, bool) {
    let (encoding, body, detected): (&'static Encoding, &[u8], TextEncoding) = match Encoding::for_bom(bytes) {
        Some((enc, bom)) if enc == UTF_8 => (enc, &bytes[bom..], TextEncoding::Utf8Bom),
        Some((enc, bom)) if enc == UTF_16LE => (enc, &bytes[bom..], TextEncoding::Utf16Le),
        Some((enc, bom)) => (enc, &bytes[bom..], TextEncoding::Utf16Be),
        None => match utf16_without_bom(bytes) {
            Some(TextEncoding::Utf16Le) => (UTF_16LE, bytes, TextEncoding::Utf16Le),
            Some(_) => (UTF_16BE, bytes, TextEncoding::Utf16Be),
            None if std::str::from_utf8(bytes).is_ok() => (UTF_8, bytes, TextEncoding::Utf8),
            None => (GB18030, bytes, TextEncoding::Gb18030),
        },
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    (text.into_owned(), detected, had_errors)
}

/// UTF-16 text of mostly ASCII (headers, digits, separators) has a zero in every other byte.
fn utf16_without_bom(bytes: &[u8]) -> Option<TextEncoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let zero_odd = sample.chunks(2).filter(|p| p[1] == 0).count();
    let zero_even = sample.chunks(2).filter(|p| p[0] == 0).count();
    if zero_odd * 3 > pairs && zero_even == 0 {
        Some(TextEncoding::Utf16Le)
    } else if zero_even * 3 > pairs && zero_odd == 0 {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "客户名称,电话\n恒达电器,13812345678\n";

    #[test]
    fn detects_each_encoding_our_users_send() {
        let (gbk, _, _) = GB18030.encode(TEXT);
        assert_eq!(decode(&gbk), (TEXT.to_owned(), TextEncoding::Gb18030, false));
        assert_eq!(decode(TEXT.as_bytes()), (TEXT.to_owned(), TextEncoding::Utf8, false));
        let bom: Vec<u8> = [&[0xEF, 0xBB, 0xBF][..], TEXT.as_bytes()].concat();
        assert_eq!(decode(&bom), (TEXT.to_owned(), TextEncoding::Utf8Bom, false));
        let le: Vec<u8> = TEXT.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&[&[0xFF, 0xFE][..], &le].concat()).1, TextEncoding::Utf16Le);
        assert_eq!(decode(&le), (TEXT.to_owned(), TextEncoding::Utf16Le, false));
        let be: Vec<u8> = TEXT.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&[&[0xFE, 0xFF][..], &be].concat()), (TEXT.to_owned(), TextEncoding::Utf16Be, false));
    }

    #[test]
    fn bytes_that_are_nothing_still_decode_with_a_flag() {
        let (_, enc, bad) = decode(&[0xFF, 0x00, 0x81]);
        assert_eq!(enc, TextEncoding::Gb18030);
        assert!(bad);
        assert_eq!(decode(&[]).0, "");
    }
}
