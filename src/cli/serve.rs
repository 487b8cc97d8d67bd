//! `recall serve`: the web app, on the loopback address, for the learner
//! this command is for; with `--class`, for a class of many, with
//! accounts, on the address the administrator chooses, over TLS or behind
//! a reverse proxy; until Ctrl-C.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;

use super::Context;
use super::clock;
use crate::web::{App, ClassConfig, Config, new_token};
use crate::{Error, Result};

#[derive(Debug, Args)]
pub(super) struct ServeArgs {
    /// The port on 127.0.0.1 [default: a free one]
    #[arg(long, conflicts_with = "class")]
    port: Option<u16>,
    /// Open the page in the browser.
    #[arg(long, conflicts_with = "class")]
    open: bool,
    /// Serve a class: many learners and their instructors, each with an
    /// account and a password.
    #[arg(long)]
    class: bool,
    /// With --class: the address and port to listen on.
    #[arg(
        long,
        value_name = "ADDR:PORT",
        default_value = "127.0.0.1:8080",
        requires = "class"
    )]
    listen: SocketAddr,
    /// With --class: serve HTTPS with this certificate chain (PEM).
    #[arg(long, value_name = "FILE", requires_all = ["class", "tls_key"])]
    tls_cert: Option<PathBuf>,
    /// With --class: the private key of --tls-cert (PEM).
    #[arg(long, value_name = "FILE", requires_all = ["class", "tls_cert"])]
    tls_key: Option<PathBuf>,
    /// With --class: a reverse proxy in front terminates HTTPS; trust its
    /// X-Forwarded-For and X-Forwarded-Proto (never set this without one).
    #[arg(long, requires = "class", conflicts_with = "tls_cert")]
    behind_proxy: bool,
}

pub(super) fn run(ctx: &Context, args: &ServeArgs) -> Result<ExitCode> {
    if args.class {
        return class(ctx, args);
    }
    let name = ctx.user_name();
    crate::store::check_user_name(&name).map_err(Error::Usage)?;
    // RECALL_NOW fixes the time, as for every command; else the clock.
    let fixed = clock::env()?.map(|_| ctx.now()).transpose()?;
    let config = Config {
        db: ctx.db_path()?,
        user: name.clone(),
        clock: Arc::new(move || fixed.unwrap_or_else(clock::system)),
        token: new_token(),
    };
    let app = App::open(config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the server: {e}")))?;
    runtime.block_on(async {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port.unwrap_or(0)));
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            Error::Usage(format!(
                "cannot listen on {addr}: {} (is another server using the port? leave out --port for a free one)",
                crate::io_text(&e)
            ))
        })?;
        let bound = listener.local_addr().map_err(Error::Output)?;
        let url = format!("http://{bound}/");
        outln!(
            "recall is serving {name}'s drills at {url}\n\
             Open that address in a browser on this computer; Ctrl-C stops the server."
        )?;
        if args.open {
            open_browser(&url);
        }
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        crate::web::serve(listener, app, stop)
            .await
            .map_err(|e| Error::Usage(format!("the server stopped: {}", crate::io_text(&e))))?;
        outln!("Stopped; every answer is saved.")
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `recall serve --class`.
fn class(ctx: &Context, args: &ServeArgs) -> Result<ExitCode> {
    let fixed = clock::env()?.map(|_| ctx.now()).transpose()?;
    let tls = args.tls_cert.clone().zip(args.tls_key.clone());
    let config = ClassConfig {
        db: ctx.db_path()?,
        clock: Arc::new(move || fixed.unwrap_or_else(clock::system)),
        https: tls.is_some() || args.behind_proxy,
        behind_proxy: args.behind_proxy,
        log: true,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the server: {e}")))?;
    // The certificate is read before anything is printed: a server that
    // cannot start prints no link.
    let tls_config = runtime.block_on(async {
        match &tls {
            Some((cert, key)) => {
                let _ = rustls::crypto::ring::default_provider().install_default();
                axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                    .await
                    .map(Some)
                    .map_err(|e| {
                        Error::Usage(format!(
                            "cannot read the certificate {} or its key {}: {}",
                            cert.display(),
                            key.display(),
                            crate::io_text(&e)
                        ))
                    })
            }
            None => Ok(None),
        }
    })?;
    // Opened outside the runtime: the PostgreSQL client blocks on one of
    // its own.
    let (app, setup) = App::open_class(config)?;
    runtime.block_on(async {
        let addr = args.listen;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let shown = if addr.ip().is_unspecified() {
            format!("{scheme}://YOUR-SERVER:{}", addr.port())
        } else {
            format!("{scheme}://{addr}")
        };
        let handle = axum_server::Handle::new();
        let stopper = handle.clone();
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            stopper.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
        });
        let cannot = |e: std::io::Error| {
            Error::Usage(format!("cannot listen on {addr}: {}", crate::io_text(&e)))
        };
        let listener = std::net::TcpListener::bind(addr).map_err(cannot)?;
        let router = app
            .router(addr)
            .into_make_service_with_connect_info::<SocketAddr>();
        listener.set_nonblocking(true).map_err(cannot)?;
        let bound = listener.local_addr().map_err(Error::Output)?;
        let url = shown.replace(&format!(":{}", addr.port()), &format!(":{}", bound.port()));
        outln!("recall is serving a class at {url}/")?;
        if scheme == "http" && !args.behind_proxy && !bound.ip().is_loopback() {
            errln!(
                "recall: warning: without --tls-cert or --behind-proxy, passwords cross the network in clear"
            );
        }
        if let Some(secret) = &setup {
            outln!("No administrator yet. Open this link once, within a day, to make one:")?;
            outln!("  {url}/join/{secret}")?;
        }
        outln!("Requests are logged on standard error; Ctrl-C stops the server.")?;
        let served = match tls_config {
            Some(config) => {
                axum_server::from_tcp_rustls(listener, config)
                    .map_err(cannot)?
                    .handle(handle)
                    .serve(router)
                    .await
            }
            None => {
                axum_server::from_tcp(listener)
                    .map_err(cannot)?
                    .handle(handle)
                    .serve(router)
                    .await
            }
        };
        served.map_err(|e| Error::Usage(format!("the server stopped: {}", crate::io_text(&e))))?;
        outln!("Stopped; every answer is saved.")
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Asks the system to open `url` in the browser; says so if it cannot.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd")
            .args(["/C", "start", "", url])
            .spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if opener.is_err() {
        errln!("recall: could not open a browser: open {url} yourself");
    }
}
