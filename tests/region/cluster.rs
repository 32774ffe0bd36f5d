//! A private PostgreSQL cluster: the system's `initdb`/`pg_ctl`, a temporary folder, a Unix socket only (no TCP),
//! run as `postgres` when the tests run as root. One cluster serves every test of the binary (each test its own
//! databases: `initdb` is the slow part), stopped when the binary exits; a TLS cluster is the test's own, stopped
//! when dropped.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

static SHARED: OnceLock<Option<Cluster>> = OnceLock::new();

/// Stops the shared cluster and removes its folder when the test binary exits (statics are never dropped).
extern "C" fn stop_shared() {
    if let Some(Some(c)) = SHARED.get() {
        c.stop();
        let _ = std::fs::remove_dir_all(c.dir.path());
    }
}

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_postgres: bool,
    port: u16,
}

/// A server certificate and its key (PEM), for a cluster that takes TCP connections on 127.0.0.1 with TLS only.
pub struct ServerTls {
    pub cert: String,
    pub key: String,
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
    /// The binary's running cluster (started on first use), or `None` after saying on stderr why the test is
    /// skipped. Tests sharing it use database names of their own.
    pub fn start(test: &str) -> Option<&'static Cluster> {
        let shared = SHARED.get_or_init(|| {
            let c = Self::start_with(test, None);
            if c.is_some() {
                // SAFETY: registers a plain function with no arguments, run once at exit.
                unsafe { libc::atexit(stop_shared) };
            }
            c
        });
        if shared.is_none() {
            eprintln!("{test} : IGNORÉ — pas de PostgreSQL sur cette machine (voir plus haut)");
        }
        shared.as_ref()
    }

    /// A cluster listening on 127.0.0.1 (a free port) with TLS required there (`hostssl` only), and on its
    /// Unix socket without.
    pub fn start_tls(test: &str, tls: &ServerTls) -> Option<Cluster> {
        Self::start_with(test, Some(tls))
    }

    fn start_with(test: &str, tls: Option<&ServerTls>) -> Option<Cluster> {
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
        let port = match tls {
            Some(_) => std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .unwrap()
                .port(),
            None => 5432,
        };
        let c = Cluster {
            dir,
            bin,
            as_postgres,
            port,
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
        let mut opts = format!(
            "-c listen_addresses='' -k {} -p {port} -c fsync=off -c full_page_writes=off",
            c.socket_dir()
        );
        if let Some(tls) = tls {
            opts = c.serve_tls(tls, &opts);
        }
        let log = c.dir.path().join("log").display().to_string();
        c.run(
            "pg_ctl",
            &["-D", &data, "-o", &opts, "-l", &log, "-w", "start"],
        );
        Some(c)
    }

    /// Writes the certificate, key and a `pg_hba.conf` admitting TCP clients over TLS only; the options to start with.
    fn serve_tls(&self, tls: &ServerTls, opts: &str) -> String {
        let data = self.dir.path().join("data");
        let (cert, key) = (data.join("server.crt"), data.join("server.key"));
        std::fs::write(&cert, &tls.cert).unwrap();
        std::fs::write(&key, &tls.key).unwrap();
        std::fs::write(
            data.join("pg_hba.conf"),
            "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        if self.as_postgres {
            // The server reads its key only when it owns it.
            let out = Command::new("chown")
                .arg("postgres:postgres")
                .args([&cert, &key])
                .output()
                .unwrap();
            assert!(out.status.success(), "chown: {out:?}");
        }
        format!(
            "{} -c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
            opts.replace("-c listen_addresses='' ", ""),
            cert.display(),
            key.display()
        )
    }

    /// The TCP port (the Unix socket's name carries it too).
    pub fn port(&self) -> u16 {
        self.port
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
        format!(
            "postgresql:///{db}?user=souk&host={}&port={}",
            self.socket_dir(),
            self.port
        )
    }

    pub fn client(&self, db: &str) -> postgres::Client {
        postgres::Config::new()
            .user("souk")
            .dbname(db)
            .host_path(Path::new(&self.socket_dir()))
            .port(self.port)
            .connect(postgres::NoTls)
            .unwrap()
    }
}

impl Cluster {
    fn stop(&self) {
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

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The server's souk tables (not `refused`, which records attempts), parents first.
pub const TABLES: [&str; 13] = [
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
    "complements",
];

/// Every row of every souk table on the server, sorted (not `refused`, which records attempts).
pub fn dump(client: &mut postgres::Client) -> String {
    let mut out = String::new();
    for table in TABLES {
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
