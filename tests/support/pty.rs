//! The real till in a pseudo-terminal, read through a vt100 screen: start it, wait for a text, type keys.
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Till {
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    /// Kept open: the till's terminal goes away with it.
    _master: Box<dyn MasterPty + Send>,
}

impl Till {
    /// `souk --db DB ARGS…` at 80×24 on the fixtures' clock.
    pub fn start(db: &Path, args: &[&str]) -> Till {
        let mut all = vec!["--db", db.to_str().unwrap()];
        all.extend_from_slice(args);
        Till::start_in(None, &all)
    }

    /// `souk ARGS…` at 80×24 on the fixtures' clock, in `dir` when given.
    pub fn start_in(dir: Option<&Path>, args: &[&str]) -> Till {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_souk"));
        cmd.args(args);
        if let Some(dir) = dir {
            cmd.cwd(dir);
        }
        cmd.env("SOUK_NOW", souk::tui::fixture::NOW);
        cmd.env("TERM", "xterm-256color");
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let size = |n| std::num::NonZeroU16::new(n).unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(size(24), size(80), 0)));
        let mut reader = pty.master.try_clone_reader().unwrap();
        let fed = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                fed.lock().unwrap().process(&buf[..n]);
            }
        });
        Till {
            writer: pty.master.take_writer().unwrap(),
            screen,
            child,
            _master: pty.master,
        }
    }

    /// Waits up to 30 s for a text on screen; the test fails with the screen otherwise.
    pub fn wait_for(&self, needle: &str) {
        let start = Instant::now();
        loop {
            let screen = self.screen.lock().unwrap().screen().contents();
            if screen.contains(needle) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "waiting for {needle:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types one key at a time, as a person does.
    pub fn send(&mut self, s: &str) {
        for c in s.chars() {
            self.writer.write_all(c.to_string().as_bytes()).unwrap();
            self.writer.flush().unwrap();
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    /// Ctrl+Q, and the time until the process has ended.
    pub fn quit(&mut self) -> Duration {
        self.writer.write_all(b"\x11").unwrap();
        self.writer.flush().unwrap();
        let asked = Instant::now();
        while self.child.try_wait().unwrap().is_none() {
            assert!(
                asked.elapsed() < Duration::from_secs(30),
                "the till never ended"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        asked.elapsed()
    }

    pub fn kill(mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}
