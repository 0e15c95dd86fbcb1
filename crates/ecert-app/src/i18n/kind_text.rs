//! The names of recognised e-Cert kinds ([`crate::cert::kind`]) in the current language.
//! The core recognises a kind and names its Fluent id; the words are said here, on the app
//! floor, so the certificate model knows no language.

use crate::cert::kind::{Kind, Recognised};

/// A kind's name in the current language: `kind.label()` with this trait in scope.
pub trait Label {
    fn label(self) -> String;
}

impl Label for Kind {
    /// "Hongkong Post e-Cert (Personal)".
    fn label(self) -> String {
        super::text(self.message_id())
    }
}

impl Label for Recognised {
    /// The kind's name, with the mutual recognition status when it has it.
    fn label(self) -> String {
        if self.mutual_recognition {
            super::text_args("kind-with-mutual-recognition", &[("kind", self.kind.label())])
        } else {
            self.kind.label()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{message_ids, Language};

    #[test]
    fn every_kind_has_a_label_in_every_language() {
        for lang in Language::ALL {
            let ids = message_ids(lang);
            for k in Kind::ALL {
                assert!(ids.iter().any(|i| i == k.message_id()), "{lang:?} lacks {}", k.message_id());
            }
        }
    }

    #[test]
    fn mutual_recognition_is_said_next_to_the_kind() {
        let mr = Recognised { kind: Kind::HkPersonal, mutual_recognition: true };
        let label = mr.label();
        let plain = Kind::HkPersonal.label();
        assert!(label.contains(&plain) && label != plain, "{label}");
        let without = Recognised { kind: Kind::HkPersonal, mutual_recognition: false };
        assert_eq!(without.label(), plain);
    }
}
