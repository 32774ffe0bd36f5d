//! A private PostgreSQL cluster for one test: the system's `initdb`/`pg_ctl`, a temporary folder, a Unix socket
//! only (no TCP), run as `postgres` when the tests run as root; stopped when dropped.
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_postgres: bool,
}

/// Where `initdb` lives: Debian's versioned folders first, then the PATH.
fn bin_dir() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").exists() && b.join("pg_ctl").exists())
        .collect();
    found.sort();
    if let Some(b) = found.pop() {
        return Some(b);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find(|p| p.join("initdb").exists() && p.join("pg_ctl").exists())
}

impl Cluster {
    /// A running cluster, or `None` after saying on stderr why the test is skipped.
    pub fn start(test: &str) -> Option<Cluster> {
        let Some(bin) = bin_dir() else {
            eprintln!(
                "{test} : IGNORÉ — pas de PostgreSQL sur cette machine (initdb introuvable dans /usr/lib/postgresql/*/bin \
                 ni dans le PATH ; apt-get install postgresql)"
            );
            return None;
        };
        let as_postgres = unsafe { libc::geteuid() } == 0;
        let dir = tempfile::Builder::new()
            .prefix("souk-pg")
            .tempdir_in("/tmp")
            .unwrap();
        let c = Cluster {
            dir,
            bin,
            as_postgres,
        };
        if as_postgres {
            // initdb refuses root: the cluster belongs to `postgres`, who must reach the folder.
            std::fs::set_permissions(
                c.dir.path(),
                std::os::unix::fs::PermissionsExt::from_mode(0o777),
            )
            .unwrap();
        }
        let data = c.data();
        c.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "souk",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        let opts = format!(
            "-c listen_addresses='' -k {} -c fsync=off -c full_page_writes=off",
            c.socket_dir()
        );
        let log = c.dir.path().join("log").display().to_string();
        c.run(
            "pg_ctl",
            &["-D", &data, "-o", &opts, "-l", &log, "-w", "start"],
        );
        Some(c)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    pub fn socket_dir(&self) -> String {
        self.dir.path().display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd.args(args).output().expect("run PostgreSQL tool");
        assert!(
            out.status.success(),
            "{tool} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A URL to a database of this cluster (created empty on first use).
    pub fn url(&self, db: &str) -> String {
        let mut admin = self.client("postgres");
        let exists = admin
            .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&db])
            .unwrap()
            .is_some();
        if !exists {
            admin
                .batch_execute(&format!("CREATE DATABASE {db}"))
                .unwrap();
        }
        format!("postgresql:///{db}?user=souk&host={}", self.socket_dir())
    }

    pub fn client(&self, db: &str) -> postgres::Client {
        postgres::Config::new()
            .user("souk")
            .dbname(db)
            .host_path(Path::new(&self.socket_dir()))
            .connect(postgres::NoTls)
            .unwrap()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        let exe = self.bin.join("pg_ctl");
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let _ = cmd
            .args(["-D", &data, "-m", "immediate", "-w", "stop"])
            .output();
    }
}

/// Every row of every souk table on the server, sorted (not `refused`, which records attempts).
pub fn dump(client: &mut postgres::Client) -> String {
    let mut out = String::new();
    for table in [
        "markets",
        "phases",
        "exhibitors",
        "exhibitor_phases",
        "tills",
        "chain_keys",
        "journal",
        "tickets",
        "ticket_lines",
        "payments",
        "shares",
        "late_tickets",
    ] {
        let rows = client
            .query(&format!("SELECT t::text FROM {table} t ORDER BY 1"), &[])
            .unwrap();
        out.push_str(&format!("-- {table} ({})\n", rows.len()));
        for r in rows {
            out.push_str(&r.get::<_, String>(0));
            out.push('\n');
        }
    }
    out
}
