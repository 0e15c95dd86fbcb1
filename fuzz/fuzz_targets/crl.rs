//! Fuzzes CRL parsing (RFC 5280 §5: TBSCertList fields, CRL extensions, entry list shape)
//! and entry lookup (reason codes, certificateIssuer of indirect CRLs).
#![no_main]

use ecert::verify::crl::Crl;
use ecert::verify::name::NameKey;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(crl) = Crl::parse(data.to_vec()) {
        let _ = crl.lookup(&[1], &NameKey::default());
        let _ = crl.lookup(&[1], &crl.issuer.clone());
        let _ = crl.serials();
    }
});
