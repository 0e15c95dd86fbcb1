//! Where vendors install PKCS#11 modules (PKCS#11 v2.40 §2: a module is a shared library the
//! application loads by path), per platform, for users who never registered theirs with
//! p11-kit. Windows: `System32` and `Program Files`; macOS: `/Library/OpenSC/lib`,
//! `/usr/local/lib` and Homebrew's `/opt/homebrew/lib`; Linux: distribution and vendor paths.
//!
//! Only modules whose file names are published by their vendors are listed: OpenSC, Yubico's
//! ykcs11, SafeNet eToken (`eTPKCS11`), FEITIAN ePass2003 and the Linux vendor middlewares the
//! e-Cert tokens came with. The Hong Kong smart ID card's middleware is reached through
//! whatever the user registers (settings or p11-kit): its file name is not published.

use std::path::{Path, PathBuf};

/// Linux and other Unix: distribution and vendor paths.
const UNIX: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/libykcs11.so.2",
    "/usr/lib/libeTPkcs11.so",
    "/usr/lib/libeToken.so",
    "/usr/lib/libcastle.so.1.0.0",
    "/usr/lib/libshuttle_p11v220.so",
];

/// macOS: OpenSC's installer, Homebrew (Intel and Apple silicon), Yubico, SafeNet.
const MACOS: &[&str] = &[
    "/Library/OpenSC/lib/opensc-pkcs11.so",
    "/usr/local/lib/opensc-pkcs11.so",
    "/opt/homebrew/lib/opensc-pkcs11.so",
    "/usr/local/lib/libykcs11.dylib",
    "/opt/homebrew/lib/libykcs11.dylib",
    "/usr/local/lib/libeTPkcs11.dylib",
    "/Library/Frameworks/eToken.framework/Versions/Current/libeToken.dylib",
    "/usr/local/lib/softhsm/libsofthsm2.so",
    "/opt/homebrew/lib/softhsm/libsofthsm2.so",
];

/// Windows module files below `%SystemRoot%\System32`.
const WINDOWS_SYSTEM32: &[&str] = &["opensc-pkcs11.dll", "eTPKCS11.dll", "eps2003csp11.dll", "libykcs11.dll"];

/// Windows module files below `%ProgramFiles%` (and `%ProgramFiles(x86)%` for 32-bit
/// installers' 64-bit parts that land there).
const WINDOWS_PROGRAM_FILES: &[&str] = &[
    r"OpenSC Project\OpenSC\pkcs11\opensc-pkcs11.dll",
    r"Yubico\Yubico PIV Tool\bin\libykcs11.dll",
    r"SafeNet\Authentication\SAC\x64\eTPKCS11.dll",
    r"SoftHSM2\lib\softhsm2-x64.dll",
];

/// The well-known module paths of the platform this was built for.
pub(crate) fn paths() -> Vec<PathBuf> {
    if cfg!(windows) {
        let var = |name: &str| std::env::var_os(name).map(PathBuf::from);
        windows(
            &var("SystemRoot").unwrap_or_else(|| PathBuf::from(r"C:\Windows")),
            &[var("ProgramFiles"), var("ProgramFiles(x86)")].into_iter().flatten().collect::<Vec<_>>(),
        )
    } else if cfg!(target_os = "macos") {
        MACOS.iter().map(PathBuf::from).collect()
    } else {
        UNIX.iter().map(PathBuf::from).collect()
    }
}

/// Windows paths below the given `SystemRoot` and Program Files folders (pure, so that it is
/// tested on every platform).
fn windows(system_root: &Path, program_files: &[PathBuf]) -> Vec<PathBuf> {
    let system32 = system_root.join("System32");
    let mut out: Vec<PathBuf> = WINDOWS_SYSTEM32.iter().map(|f| system32.join(f)).collect();
    for base in program_files {
        out.extend(WINDOWS_PROGRAM_FILES.iter().map(|f| join_windows(base, f)));
    }
    out
}

/// Joins a backslash-separated relative path component by component, so the result is right
/// on Windows and readable in tests elsewhere.
fn join_windows(base: &Path, rel: &str) -> PathBuf {
    rel.split('\\').fold(base.to_path_buf(), |p, part| p.join(part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_locations_cover_system32_and_program_files() {
        let got = windows(Path::new("C:/Windows"), &[PathBuf::from("C:/Program Files")]);
        let has = |p: &Path| got.iter().any(|g| g == p);
        assert!(has(&Path::new("C:/Windows").join("System32").join("opensc-pkcs11.dll")));
        assert!(has(&Path::new("C:/Windows").join("System32").join("eTPKCS11.dll")));
        let ykcs11 = ["Yubico", "Yubico PIV Tool", "bin", "libykcs11.dll"]
            .iter()
            .fold(PathBuf::from("C:/Program Files"), |p, s| p.join(s));
        assert!(has(&ykcs11), "{got:?}");
        assert_eq!(got.len(), WINDOWS_SYSTEM32.len() + WINDOWS_PROGRAM_FILES.len());
    }

    #[test]
    fn this_platform_has_a_list() {
        let list = paths();
        assert!(list.iter().any(|p| p.to_string_lossy().contains("opensc-pkcs11")), "{list:?}");
    }
}
