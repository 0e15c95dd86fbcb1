//! The strict certificate profile: the MUSTs RFC 5280 §4.1–§4.2 puts on conforming CAs
//! (v3, serial numbers §4.1.2.2, key identifiers §4.2.1.1–§4.2.1.2, critical basicConstraints
//! §4.2.1.9) and the CA/Browser Forum Baseline Requirements (key sizes 6.1.5, commonName
//! 7.1.4.3), applied on top of RFC 5280 §6 when `Profile::Strict` is chosen.

use x509_cert::ext::pkix::name::GeneralName;

use super::model::{oid, Cert};
use super::report::Reason;

/// CA/B Baseline Requirements 7.1.4.3: a subscriber's commonName, if present, is exactly
/// one of its SAN values (an IP address in its RFC 5952 / dotted-quad text form; a wildcard
/// entry `*.d` also stands for `d`). Applied when the SAN names hosts at all.
pub(super) fn common_names_in_san(leaf: &Cert, index: usize) -> Result<(), Reason> {
    let names_hosts =
        leaf.sans().iter().any(|s| matches!(s, GeneralName::DnsName(_) | GeneralName::IpAddress(_)));
    if !names_hosts {
        return Ok(());
    }
    for atv in leaf.subject_name.iter().filter(|a| a.oid.to_string() == oid::COMMON_NAME) {
        let cn = String::from_utf8_lossy(atv.value.value()).into_owned();
        let listed = leaf.sans().iter().any(|s| match s {
            GeneralName::DnsName(d) => d.as_str() == cn || d.as_str().strip_prefix("*.") == Some(cn.as_str()),
            GeneralName::IpAddress(ip) => match ip.as_bytes().len() {
                4 => <[u8; 4]>::try_from(ip.as_bytes())
                    .is_ok_and(|b| std::net::Ipv4Addr::from(b).to_string() == cn),
                16 => <[u8; 16]>::try_from(ip.as_bytes())
                    .is_ok_and(|b| std::net::Ipv6Addr::from(b).to_string() == cn),
                _ => false,
            },
            _ => false,
        });
        if !listed {
            return Err(Reason::Profile {
                index,
                detail: format!("commonName {cn:?} is not one of the subjectAltName values"),
            });
        }
    }
    Ok(())
}

/// RFC 5280 §4.1–§4.2 MUSTs for conforming CAs and the CA/B Forum key rules, enforced in
/// the strict profile.
pub(super) fn strict_checks(c: &Cert, index: usize, anchor: bool, leaf: bool) -> Result<(), Reason> {
    let bad = |detail: &str| Err(Reason::Profile { index, detail: detail.to_owned() });
    if c.version() != 2 {
        return bad("not a version 3 certificate");
    }
    let serial = c.serial();
    // A trust anchor is taken as name and key (RFC 5280 §6.1.1 (d)); its serial and
    // authority key identifier are the business of whoever issued it, if anyone.
    if anchor {
        return anchor_checks(c, index);
    }
    if serial.first().is_some_and(|b| b & 0x80 != 0) {
        return bad("negative serial number");
    }
    if serial.iter().all(|b| *b == 0) {
        return bad("zero serial number");
    }
    if serial.len() > 20 && !(serial.len() == 21 && serial[0] == 0) {
        return bad("serial number longer than 20 octets");
    }
    if c.ext.subject_key_id.as_ref().is_some_and(|(_, crit)| *crit) {
        return bad("subjectKeyIdentifier is critical");
    }
    match &c.ext.authority_key_id {
        Some((aki, crit)) => {
            if *crit {
                return bad("authorityKeyIdentifier is critical");
            }
            if aki.key_identifier.is_none()
                || aki.authority_cert_issuer.is_some()
                || aki.authority_cert_serial_number.is_some()
            {
                return bad("authorityKeyIdentifier lacks keyIdentifier or carries issuer/serial");
            }
            if anchor && c.is_self_issued() && c.ski().is_some() && c.aki_key_id() != c.ski() {
                return bad("authorityKeyIdentifier differs from subjectKeyIdentifier on a self-signed root");
            }
        }
        None => {
            if !c.is_self_issued() {
                return bad("no authorityKeyIdentifier");
            }
        }
    }
    ca_checks(c, index, anchor, leaf)?;
    if leaf && c.is_ca() {
        return bad("end-entity certificate with cA true");
    }
    key_strength(c, index)
}

fn anchor_checks(c: &Cert, index: usize) -> Result<(), Reason> {
    let bad = |detail: &str| Err(Reason::Profile { index, detail: detail.to_owned() });
    if c.version() != 2 {
        return bad("not a version 3 certificate");
    }
    if let Some((aki, crit)) = &c.ext.authority_key_id {
        if *crit
            || aki.key_identifier.is_none()
            || aki.authority_cert_issuer.is_some()
            || aki.authority_cert_serial_number.is_some()
        {
            return bad("authorityKeyIdentifier is critical, lacks keyIdentifier or carries issuer/serial");
        }
        if c.is_self_issued() && c.ski().is_some() && c.aki_key_id() != c.ski() {
            return bad("authorityKeyIdentifier differs from subjectKeyIdentifier on a self-signed root");
        }
    }
    if c.ext.subject_key_id.as_ref().is_some_and(|(_, crit)| *crit) {
        return bad("subjectKeyIdentifier is critical");
    }
    ca_checks(c, index, true, false)?;
    key_strength(c, index)
}

fn ca_checks(c: &Cert, index: usize, anchor: bool, leaf: bool) -> Result<(), Reason> {
    let bad = |detail: &str| Err(Reason::Profile { index, detail: detail.to_owned() });
    if c.is_ca() || anchor {
        match &c.ext.basic_constraints {
            None => return bad("CA certificate without basicConstraints"),
            Some((bc, crit)) => {
                if !bc.ca && !leaf {
                    return bad("CA certificate with cA false");
                }
                if !crit && bc.ca {
                    return bad("basicConstraints is not critical");
                }
            }
        }
        if c.ski().is_none() {
            return bad("CA certificate without subjectKeyIdentifier");
        }
        if c.is_ca() && c.ext.key_usage.as_ref().is_some_and(|k| !k.key_cert_sign()) {
            return bad("CA certificate without keyCertSign");
        }
    }
    if c.ext.key_usage.as_ref().is_some_and(x509_cert::ext::pkix::KeyUsage::key_cert_sign) && !c.is_ca() {
        return bad("keyCertSign without cA");
    }
    if c.critical(oid::POLICY_CONSTRAINTS) == Some(false) {
        return bad("policyConstraints is not critical");
    }
    Ok(())
}

/// Acceptable subject keys: RSA ≥ 2048 bits in whole bytes, P-256/P-384 with named curves.
fn key_strength(c: &Cert, index: usize) -> Result<(), Reason> {
    let bad = |detail: String| Err(Reason::Profile { index, detail });
    let Ok(spki) = <spki::SubjectPublicKeyInfoRef<'_> as der::Decode>::from_der(&c.spki) else {
        return bad("unreadable key".into());
    };
    match spki.algorithm.oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => {
            use spki::DecodePublicKey;
            let Ok(k) = rsa::PublicKey::from_public_key_der(&c.spki) else {
                return bad("unreadable RSA key".into());
            };
            let bits = rsa::traits::PublicKeyParts::n(&k).bit_width_vartime();
            if bits < 2048 || bits % 8 != 0 {
                return bad(format!("RSA key of {bits} bits"));
            }
            Ok(())
        }
        "1.2.840.10045.2.1" => match spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())
            .ok_or(())
        {
            Ok(curve)
                if ["1.2.840.10045.3.1.7", "1.3.132.0.34", "1.3.132.0.35"]
                    .contains(&curve.to_string().as_str()) =>
            {
                Ok(())
            }
            _ => bad("EC key on an unsupported or explicit curve".into()),
        },
        other => bad(format!("key algorithm {other} is not allowed")),
    }
}
