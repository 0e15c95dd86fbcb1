//! Build script: on Windows targets, the application icon and a version resource (Win32
//! `VERSIONINFO`, shown in Explorer's Properties → Details and used by the MSI) go into both
//! executables. A resource script compiled by `windres` (mingw-w64's binutils; `RC_<target>` or
//! `WINDRES` names another) — one tool call, so no crate for it. Other targets: nothing.

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=packaging/windows/ecert-manager.ico");
    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default());
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let icon = manifest.join("packaging/windows/ecert-manager.ico");
    let version = env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let part = |name: &str| env::var(name).ok().and_then(|v| v.parse::<u16>().ok()).unwrap_or(0);
    let numeric = format!(
        "{},{},{},0",
        part("CARGO_PKG_VERSION_MAJOR"),
        part("CARGO_PKG_VERSION_MINOR"),
        part("CARGO_PKG_VERSION_PATCH")
    );
    let rc = format!(
        r#"1 ICON "{icon}"
1 VERSIONINFO
FILEVERSION {numeric}
PRODUCTVERSION {numeric}
FILEOS 0x40004
FILETYPE 0x1
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904B0"
    BEGIN
      VALUE "CompanyName", "e-Cert Manager developers"
      VALUE "FileDescription", "e-Cert Manager"
      VALUE "FileVersion", "{version}"
      VALUE "ProductName", "e-Cert Manager"
      VALUE "ProductVersion", "{version}"
      VALUE "LegalCopyright", "Apache-2.0 OR MIT"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
"#,
        icon = icon.display().to_string().replace('\\', "/"),
    );
    let rc_path = out.join("ecert.rc");
    let obj = out.join("ecert-resource.o");
    if let Err(e) = std::fs::write(&rc_path, rc) {
        println!("cargo:warning=cannot write {}: {e}", rc_path.display());
        std::process::exit(1);
    }
    let target = env::var("TARGET").unwrap_or_default();
    let windres = env::var(format!("RC_{}", target.replace('-', "_")))
        .or_else(|_| env::var("WINDRES"))
        .unwrap_or_else(|_| {
            if cfg!(windows) {
                "windres".to_owned()
            } else {
                "x86_64-w64-mingw32-windres".to_owned()
            }
        });
    let status = Command::new(&windres).arg(&rc_path).arg("-O").arg("coff").arg("-o").arg(&obj).status();
    match status {
        Ok(s) if s.success() => println!("cargo:rustc-link-arg-bins={}", obj.display()),
        other => {
            println!("cargo:warning={windres} failed on {}: {other:?}", rc_path.display());
            std::process::exit(1);
        }
    }
}
