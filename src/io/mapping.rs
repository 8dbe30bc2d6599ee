//! Which column feeds which customer field. Guessed from the header text in Chinese or English;
//! the user can change it in the preview.

use serde::{Deserialize, Serialize};

macro_rules! targets {
    ($($name:ident = $code:literal [$($syn:literal),*]),* $(,)?) => {
        /// A customer field a column can feed (or none).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Target { Ignore, $($name),* }

        impl Target {
            pub const ALL: &'static [Target] = &[Target::Ignore, $(Target::$name),*];

            /// Stable code, used to remember the user's mapping.
            pub fn code(self) -> &'static str {
                match self { Target::Ignore => "ignore", $(Target::$name => $code),* }
            }

            pub fn from_code(code: &str) -> Option<Target> {
                Target::ALL.iter().copied().find(|t| t.code() == code)
            }

            /// Header texts (normalised: lower case, no spaces or punctuation) that mean this field.
            fn synonyms(self) -> &'static [&'static str] {
                match self { Target::Ignore => &[], $(Target::$name => &[$($syn),*]),* }
            }
        }
    };
}

targets! {
    Name = "name" ["客户名称", "公司名称", "客户", "名称", "企业名称", "单位名称", "公司", "客户名", "name", "customer", "customername", "company", "companyname", "organisation", "organization"],
    Kind = "kind" ["客户类型", "类型", "类别", "kind", "type", "customertype"],
    Industry = "industry" ["行业", "所属行业", "industry", "sector"],
    Region = "region" ["地区", "省份", "省", "区域", "所在地区", "region", "province", "state", "area"],
    City = "city" ["城市", "市", "所在城市", "city"],
    Address = "address" ["地址", "详细地址", "公司地址", "address"],
    Size = "size" ["规模", "公司规模", "企业规模", "人数", "size", "companysize", "employees", "headcount"],
    PotentialValue = "value" ["潜在价值", "预计金额", "预估价值", "潜在金额", "价值", "potentialvalue", "value", "expectedvalue", "dealvalue"],
    Intent = "intent" ["合作意向", "意向", "意向度", "intent", "interest", "cooperationintent"],
    Tier = "tier" ["客户等级", "等级", "级别", "优先级", "tier", "priority", "level", "grade"],
    Tags = "tags" ["标签", "tags", "tag", "labels"],
    LeadSource = "source" ["线索来源", "客户来源", "来源", "渠道", "leadsource", "source", "channel"],
    Owner = "owner" ["负责人", "销售", "业务员", "所属销售", "跟进人", "owner", "rep", "salesrep", "accountmanager"],
    Notes = "notes" ["备注", "说明", "notes", "note", "remarks", "comments"],
    ContactName = "contact" ["联系人", "联系人姓名", "姓名", "contact", "contactname", "contactperson"],
    ContactTitle = "title" ["职位", "职务", "title", "jobtitle", "position"],
    ContactPhone = "phone" ["电话", "手机", "手机号", "联系电话", "手机号码", "电话号码", "phone", "mobile", "tel", "telephone", "phonenumber"],
    ContactEmail = "email" ["邮箱", "电子邮箱", "电子邮件", "邮件", "email", "mail", "emailaddress"],
    ContactWechat = "wechat" ["微信", "微信号", "wechat", "weixin"],
    DealDate = "deal_date" ["成交日期", "最近成交日期", "交易日期", "dealdate", "orderdate", "lastdealdate"],
    DealProduct = "deal_product" ["成交产品", "产品", "product", "dealproduct"],
    DealAmount = "deal_amount" ["成交金额", "交易金额", "订单金额", "dealamount", "orderamount", "amount"],
}

/// Lower case, full-width letters and digits made half-width, spaces, punctuation and the `*`
/// that marks required columns removed.
pub fn normalise_header(header: &str) -> String {
    header
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field each header most likely holds; each field is given to one column at most (the
/// first that names it).
pub fn guess(headers: &[String]) -> Vec<Target> {
    let mut taken = Vec::new();
    headers
        .iter()
        .map(|h| {
            let h = normalise_header(h);
            let found = Target::ALL.iter().copied().find(|t| !taken.contains(t) && t.synonyms().contains(&h.as_str()));
            match found {
                Some(t) => {
                    taken.push(t);
                    t
                }
                None => Target::Ignore,
            }
        })
        .collect()
}

/// Applies a remembered mapping (`header → field code`) over a guess: headers the user mapped
/// before keep their field.
pub fn with_remembered(headers: &[String], guessed: Vec<Target>, remembered: &[(String, String)]) -> Vec<Target> {
    let mut mapping = guessed;
    for (i, header) in headers.iter().enumerate() {
        if let Some(t) = remembered.iter().find(|(h, _)| h == header).and_then(|(_, code)| Target::from_code(code)) {
            if t != Target::Ignore {
                for other in mapping.iter_mut().filter(|m| **m == t) {
                    *other = Target::Ignore;
                }
            }
            mapping[i] = t;
        }
    }
    mapping
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn guesses_chinese_and_english_headers() {
        let h =
            headers(&["客户名称*", "行业", "地区", "联系人", "手机", "邮箱", "潜在价值（元）", "合作意向", "无关列"]);
        use Target::*;
        assert_eq!(
            guess(&h),
            [Name, Industry, Region, ContactName, ContactPhone, ContactEmail, Ignore, Intent, Ignore]
        );
        let h =
            headers(&["Company Name", "Industry", "City", "Contact", "Phone", "E-mail", "Potential value", "Intent"]);
        assert_eq!(guess(&h), [Name, Industry, City, ContactName, ContactPhone, ContactEmail, PotentialValue, Intent]);
        assert_eq!(guess(&headers(&["电话", "手机"])), [ContactPhone, Ignore], "one column per field");
        assert_eq!(normalise_header("ＮＡＭＥ　（全角）"), "name全角");
    }

    #[test]
    fn remembered_choices_win_over_the_guess() {
        let h = headers(&["名称", "Tel", "备注"]);
        let m = with_remembered(&h, guess(&h), &[("Tel".into(), "phone".into()), ("名称".into(), "ignore".into())]);
        assert_eq!(m, [Target::Ignore, Target::ContactPhone, Target::Notes]);
        for t in Target::ALL {
            assert_eq!(Target::from_code(t.code()), Some(*t));
        }
    }
}
