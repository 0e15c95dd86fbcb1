//! Where PKCS#11 modules are found: `ECERT_PKCS11_MODULES` (colon-separated; replaces
//! everything else, for tests and scripts), the p11-kit registry (`*.module` files, p11-kit
//! `pkcs11.conf(5)`), then well-known vendor paths per platform (`well_known`). Each module is listed once, by its
//! canonical path.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// How we learned of a module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModuleSource {
    Environment,
    P11Kit { registry_file: PathBuf },
    WellKnown,
    Settings,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModuleSpec {
    pub path: PathBuf,
    pub source: ModuleSource,
}

const REGISTRY_DIRS: &[&str] = &["/etc/pkcs11/modules", "/usr/share/p11-kit/modules"];
const MODULE_DIRS: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu/pkcs11",
    "/usr/lib/aarch64-linux-gnu/pkcs11",
    "/usr/lib/pkcs11",
    "/usr/lib64/pkcs11",
];

/// Modules we never load: p11-kit's own trust module and proxy are not token middleware.
fn ignored(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with("p11-kit-trust") || name.starts_with("p11-kit-proxy")
}

/// Finds modules in the order above; `extra` are paths from the user's settings.
pub fn discover_modules(extra: &[PathBuf]) -> Vec<ModuleSpec> {
    if let Some(list) = std::env::var_os("ECERT_PKCS11_MODULES") {
        return std::env::split_paths(&list)
            .filter(|p| !p.as_os_str().is_empty())
            .map(|path| ModuleSpec { path, source: ModuleSource::Environment })
            .collect();
    }
    let mut found: Vec<ModuleSpec> = Vec::new();
    let mut push = |path: PathBuf, source: ModuleSource| {
        if !path.exists() || ignored(&path) {
            return;
        }
        let canon = path.canonicalize().unwrap_or_else(|_| path.clone());
        if found.iter().all(|m| m.path.canonicalize().unwrap_or_else(|_| m.path.clone()) != canon) {
            found.push(ModuleSpec { path, source });
        }
    };
    for p in extra {
        push(p.clone(), ModuleSource::Settings);
    }
    for dir in REGISTRY_DIRS {
        let Ok(entries) = std::fs::read_dir(dir) else { continue };
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for file in files.into_iter().filter(|f| f.extension().is_some_and(|e| e == "module")) {
            if let Some(module) = std::fs::read_to_string(&file).ok().as_deref().and_then(parse_registry) {
                push(resolve(&module), ModuleSource::P11Kit { registry_file: file });
            }
        }
    }
    for p in super::well_known::paths() {
        push(p, ModuleSource::WellKnown);
    }
    found
}

/// The `module:` value of a p11-kit registry file, unless the file disables the module for
/// every program (`enable-in:` naming other programs, or `disable-in:` naming us).
fn parse_registry(text: &str) -> Option<String> {
    let mut module = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some((key, value)) = line.split_once(':') {
            let value = value.trim();
            match key.trim() {
                "module" => module = Some(value.to_owned()),
                "disable-in" if value.split_whitespace().any(|p| p == "ecert-manager" || p == "ecert") => {
                    return None
                }
                _ => {}
            }
        }
    }
    module
}

fn resolve(module: &str) -> PathBuf {
    let p = PathBuf::from(module);
    if p.is_absolute() {
        return p;
    }
    MODULE_DIRS.iter().map(|d| Path::new(d).join(&p)).find(|c| c.exists()).unwrap_or(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_file_parsing() {
        assert_eq!(
            parse_registry("# c\nmodule: opensc-pkcs11.so\ncritical: no\n").as_deref(),
            Some("opensc-pkcs11.so")
        );
        assert_eq!(parse_registry("module: x.so\ndisable-in: ecert-manager firefox\n"), None);
        assert_eq!(parse_registry("critical: yes\n"), None);
    }

    #[test]
    fn trust_module_is_ignored() {
        assert!(ignored(Path::new("/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so")));
        assert!(!ignored(Path::new("/usr/lib/softhsm/libsofthsm2.so")));
    }
}
