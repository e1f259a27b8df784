//! Serve a fixture cluster over loopback HTTPS until killed: for the
//! benchmark (`bench/cluster_bench.sh`), for trying `credlint cluster` and
//! `kubectl` by hand.
//!
//! `cargo run --release -p credlint-cluster --features test-server --example fixture_server -- [small|bench] DIR`
//! writes `DIR/kubeconfig` (context `fixture`, bearer token) and `DIR/url`,
//! then serves; every 100 ms it rewrites `DIR/requests` with the number of
//! requests served so far.

use credlint_cluster::testserver::{realistic_cluster, Scale, ServerOptions, TestServer};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let scale = match args.next().as_deref() {
        Some("bench") => Scale::BENCH,
        _ => Scale::SMALL,
    };
    let dir = std::path::PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&dir)?;
    let fixture = realistic_cluster(scale);
    let objects = fixture.len();
    let pods = fixture.of("pods").len();
    let token = "fixture-token-0123456789";
    let server = TestServer::start(
        fixture,
        ServerOptions {
            token: token.into(),
            ..Default::default()
        },
        0,
    )?;
    server.write_kubeconfig(&dir, token)?;
    std::fs::write(dir.join("url"), server.url())?;
    eprintln!(
        "fixture cluster: {objects} objects ({pods} pods) at {}; kubeconfig {}",
        server.url(),
        dir.join("kubeconfig").display()
    );
    loop {
        std::fs::write(dir.join("requests"), server.requests().to_string())?;
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
