//! Token software (PKCS#11 modules) in Settings: a module the user adds is saved in the
//! settings file and loaded by the service at once; one the user added can be removed
//! again (modules found by discovery — p11-kit, well-known paths — are not theirs to
//! remove). The file work runs in a task; the service loads and unloads (never `update`).

use std::path::PathBuf;

use ecert::i18n;
use ecert::service::Request;
use iced::Task;

use super::{App, Message};

fn settings_file() -> Result<PathBuf, String> {
    ecert::settings::path().ok_or_else(|| ecert::settings::SettingsError::NoConfigDir.to_string())
}

/// Adds `module` to the list saved in the settings file `file` (once); refuses a path that
/// is not a file, and a settings file it cannot read (it is left as it is).
pub fn save_added(file: &std::path::Path, module: &std::path::Path) -> Result<(), String> {
    if !module.is_file() {
        return Err(i18n::text_args("status-module-missing", &[("path", module.display().to_string())]));
    }
    let mut s = ecert::settings::load_at(file).map_err(|e| e.to_string())?;
    if !s.pkcs11_modules.iter().any(|p| p == module) {
        s.pkcs11_modules.push(module.to_path_buf());
    }
    ecert::settings::save_at(file, &s).map_err(|e| e.to_string())
}

/// Removes `module` from the list saved in `file`.
pub fn save_removed(file: &std::path::Path, module: &std::path::Path) -> Result<(), String> {
    let mut s = ecert::settings::load_at(file).map_err(|e| e.to_string())?;
    s.pkcs11_modules.retain(|p| p != module);
    ecert::settings::save_at(file, &s).map_err(|e| e.to_string())
}

impl App {
    pub(super) fn add_module(&mut self, path: PathBuf) -> Task<Message> {
        let requests = self.requests.clone();
        Task::perform(
            async move {
                save_added(&settings_file()?, &path)?;
                if let Some(tx) = requests {
                    let _ = tx.send(Request::AddModule { path: path.clone() });
                }
                Ok(i18n::text_args("status-module-added", &[("path", path.display().to_string())]))
            },
            Message::ModuleSaved,
        )
    }

    pub(super) fn remove_module(&mut self, path: PathBuf) -> Task<Message> {
        let requests = self.requests.clone();
        Task::perform(
            async move {
                save_removed(&settings_file()?, &path)?;
                if let Some(tx) = requests {
                    let _ = tx.send(Request::RemoveModule { path: path.clone() });
                }
                Ok(i18n::text_args("status-module-removed", &[("path", path.display().to_string())]))
            },
            Message::ModuleSaved,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_modules_are_saved_once_and_removed_and_bad_input_changes_nothing() {
        let _lang = super::super::tests::lang_lock();
        i18n::set_language(i18n::Language::English);
        let dir = std::env::temp_dir().join(format!("ecert-modules-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("settings.json");
        let module = dir.join("vendor-pkcs11.so");
        std::fs::write(&module, b"x").unwrap();
        save_added(&file, &module).unwrap();
        save_added(&file, &module).unwrap();
        assert_eq!(ecert::settings::load_at(&file).unwrap().pkcs11_modules, vec![module.clone()]);
        let missing = dir.join("missing.so");
        assert_eq!(save_added(&file, &missing).unwrap_err(), format!("{} is not a file.", missing.display()));
        save_removed(&file, &module).unwrap();
        assert!(ecert::settings::load_at(&file).unwrap().pkcs11_modules.is_empty());
        // A settings file that cannot be read is not overwritten.
        std::fs::write(&file, b"{ not json").unwrap();
        assert!(save_added(&file, &module).is_err());
        assert_eq!(std::fs::read(&file).unwrap(), b"{ not json");
    }

    #[test]
    fn settings_offer_to_stop_using_only_modules_the_user_added() {
        use crate::gui::tests::{app_with_a_card, click, lang_lock};
        use ecert::pkcs11::{ModuleSource, ModuleStatus};
        // The module list is at the foot of a long page: a tall window shows all of it.
        fn tall(app: &App) -> iced_test::Simulator<'_, Message> {
            iced_test::Simulator::with_size(iced::Settings::default(), (1024.0, 3000.0), app.view())
        }
        let shows = |app: &App, label: &str| tall(app).find(label).is_ok();
        let _lang = lang_lock();
        i18n::set_language(i18n::Language::English);
        let (mut app, _) = app_with_a_card();
        let status =
            |path: &str, source| ModuleStatus { path: path.into(), source, library: None, error: None };
        if let Some(snap) = &mut app.snapshot {
            snap.modules = vec![status("/usr/lib/opensc-pkcs11.so", ModuleSource::WellKnown)];
        }
        click(&mut app, "Settings");
        assert!(matches!(app.screen, crate::gui::Screen::Settings));
        assert!(shows(&app, "Token software (PKCS#11 modules)"), "the section is on the page");
        assert!(shows(&app, "Found in a usual place") && shows(&app, "Add token software…"));
        assert!(!shows(&app, "Stop using"), "discovered modules are not the user's to remove");
        if let Some(snap) = &mut app.snapshot {
            snap.modules.push(status("/opt/vendor/p11.so", ModuleSource::Settings));
        }
        assert!(shows(&app, "Added by you") && shows(&app, "Stop using"));
        let messages: Vec<Message> = {
            let mut ui = tall(&app);
            ui.click("Add token software…").unwrap();
            ui.into_messages().collect()
        };
        for m in messages {
            let _ = app.update(m);
        }
        assert!(app.picker.is_some(), "the picker opens for a module");
    }
}
