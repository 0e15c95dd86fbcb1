//! The real window: `ecert-manager` under Xvfb maps a window titled by Fluent, renders with
//! tiny-skia (no GPU), and a screenshot of it is taken for people to look at
//! (target/screens/). With the rig up the window lists the virtual reader and PIV card.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Xvfb, stopped with SIGTERM so that it removes its socket and lock file: a SIGKILL leaves
/// `/tmp/.X11-unix/X<n>` and `/tmp/.X<n>-lock` behind, and enough of those once used up every
/// display a fixed range could try (CI failed on exactly that).
struct Xvfb(Child);

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        for _ in 0..50 {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn need(tool: &str) {
    let found =
        Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().unwrap().status.success();
    assert!(found, "{tool} is missing: run scripts/deps --test (this test never skips)");
}

/// Starts Xvfb on a display it chooses itself (`-displayfd`, see Xserver(1)): the server
/// takes the first display whose lock is free or stale and writes its number to our pipe.
fn xvfb() -> (Xvfb, String) {
    use std::io::Read;
    need("Xvfb");
    let mut child = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0", "1100x760x24", "-nolisten", "tcp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let guard = Xvfb(child);
    // Xvfb writes "<n>\n" once it listens; the read ends at the newline or when Xvfb exits.
    let mut number = String::new();
    let mut byte = [0u8; 1];
    while out.read(&mut byte).unwrap_or(0) == 1 && byte[0] != b'\n' {
        number.push(char::from(byte[0]));
    }
    let n: u32 = number.trim().parse().unwrap_or_else(|_| panic!("Xvfb reported no display ({number:?})"));
    (guard, format!(":{n}"))
}

#[test]
fn window_maps_and_is_screenshotted() {
    need("xdotool");
    need("import");
    let (_x, display) = xvfb();
    let runtime = tempfile::tempdir().unwrap();
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screens");
    std::fs::create_dir_all(&shots).unwrap();
    for (lang, title, size) in [
        ("en", "e-Cert Manager", "medium"),
        ("zh-HK", "電子證書管理員", "medium"),
        ("zh-CN", "电子证书管理器", "medium"),
        ("en", "e-Cert Manager", "largest"),
    ] {
        // The demo card open, at the saved text size.
        std::fs::write(runtime.path().join("settings.json"), format!("{{\"text_size\": \"{size}\"}}"))
            .unwrap();
        let app = Command::new(env!("CARGO_BIN_EXE_ecert-manager"))
            .env("DISPLAY", &display)
            .env("ICED_BACKEND", "tiny-skia")
            .env("ECERT_LANG", lang)
            .env("XDG_RUNTIME_DIR", runtime.path())
            .env("ECERT_CONFIG_DIR", runtime.path())
            .env("ECERT_DEMO", "1")
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let pid = app.id().to_string();
        let _app = Kill(app);
        let found = Command::new("timeout")
            .args(["20", "xdotool", "search", "--sync", "--onlyvisible", "--pid", &pid])
            .env("DISPLAY", &display)
            .output()
            .unwrap();
        assert!(
            found.status.success() && !found.stdout.is_empty(),
            "no window from ecert-manager within 20 s"
        );
        let window = String::from_utf8_lossy(&found.stdout).lines().next().unwrap_or_default().to_owned();
        let name = Command::new("xdotool")
            .args(["getwindowname", &window])
            .env("DISPLAY", &display)
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&name.stdout).trim(), title);
        // The largest text size must also hold in an 800×600 window.
        if size == "largest" {
            let resized = Command::new("xdotool")
                .args(["windowsize", &window, "800", "600"])
                .env("DISPLAY", &display)
                .output()
                .unwrap();
            assert!(resized.status.success());
        }
        // Let the first snapshot from the service arrive and be drawn.
        std::thread::sleep(Duration::from_secs(3));
        let png = shots.join(format!("window-{lang}-{size}.png"));
        let out = Command::new("import")
            .args(["-window", "root", png.to_str().unwrap()])
            .env("DISPLAY", &display)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        assert!(std::fs::metadata(&png).unwrap().len() > 10_000, "screenshot too small to show a window");
    }
}
