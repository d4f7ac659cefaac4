//! The key an email or username is matched by: NFKC, a full Unicode case fold, and NFKC again
//! (Unicode's NFKC_Casefold, near enough), computed here and stored beside the value. The
//! database's `lower()` is never used to match identities: it follows the server's locale, and
//! on Postgres it can map a look-alike such as `İ` (U+0130) to ASCII `i`.

use caseless::Caseless;
use unicode_normalization::UnicodeNormalization;

/// The matching key of an email address or a username: two values with the same key are the
/// same identity.
pub fn identity_key(value: &str) -> String {
    value.nfkc().default_case_fold().nfkc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_does_not_change_the_key() {
        assert_eq!(
            identity_key("Victim@Gmail.COM"),
            identity_key("victim@gmail.com")
        );
    }

    #[test]
    fn a_dotted_capital_i_is_not_an_ascii_i() {
        assert_ne!(
            identity_key("victim@gmaİl.com"),
            identity_key("victim@gmail.com")
        );
    }

    #[test]
    fn compatibility_forms_are_one_key() {
        assert_eq!(identity_key("ｃｏｒｅｙ"), identity_key("corey"));
    }

    #[test]
    fn a_sharp_s_folds_to_ss() {
        assert_eq!(identity_key("straße"), identity_key("STRASSE"));
    }

    #[test]
    fn a_final_sigma_is_a_sigma() {
        assert_eq!(identity_key("ΟΔΟΣ"), identity_key("οδος"));
    }
}
