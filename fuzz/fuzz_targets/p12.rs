//! Fuzzes the e-Cert file reader: PFX shape check, MAC, PBES1/PBES2 decryption, bag parsing,
//! key/certificate matching. The first byte picks the password so both the MAC-failure and
//! the decrypt paths are reached.
#![no_main]

use ecert::p12file::P12Contents;
use ecert::secret::Password;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else { return };
    let password = Password::new(if first % 2 == 0 { "password".into() } else { String::new() });
    let _ = P12Contents::from_bytes(rest, &password);
});
