//! `ecert-manager`: the e-Cert Manager desktop app (iced, software rendering).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod gui;

fn main() -> iced::Result {
    gui::run()
}
