//! A small disk of its own for tests of full and read-only media: a tmpfs mounted in a temporary folder
//! (root only, where mounting is allowed, as on CI). `None` where it cannot be mounted: the test says so and
//! passes without checking.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct TinyDisk {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl TinyDisk {
    pub fn mount(size_kib: u64) -> Option<TinyDisk> {
        let dir = tempfile::tempdir().ok()?;
        let root = dir.path().join("disk");
        std::fs::create_dir(&root).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_kib}k"), "tmpfs"])
            .arg(&root)
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("test skipped: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(TinyDisk { _dir: dir, root })
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// Takes every free byte left.
    pub fn fill(&self) {
        use std::io::Write;
        let mut f = std::fs::File::create(self.root.join("remplissage")).unwrap();
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
        let _ = f.sync_all();
    }

    /// Remounts the disk read-only. A test running beside this one may be starting a child process that
    /// briefly holds a descriptor inherited from this process: "busy" is retried for a few seconds.
    pub fn read_only(&self) {
        let mut out = None;
        for _ in 0..50 {
            let o = Command::new("mount")
                .args(["-o", "remount,ro"])
                .arg(&self.root)
                .output()
                .unwrap();
            if o.status.success() {
                return;
            }
            out = Some(o);
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("remount read-only: {out:?}");
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.root).output();
    }
}
