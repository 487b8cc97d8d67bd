//! `recall serve`: the web app, on the loopback address, for the learner
//! this command is for; until Ctrl-C.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;

use super::Context;
use super::clock;
use crate::web::{App, Config, new_token};
use crate::{Error, Result};

#[derive(Debug, Args)]
pub(super) struct ServeArgs {
    /// The port on 127.0.0.1 [default: a free one]
    #[arg(long)]
    port: Option<u16>,
    /// Open the page in the browser.
    #[arg(long)]
    open: bool,
}

pub(super) fn run(ctx: &Context, args: &ServeArgs) -> Result<ExitCode> {
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
        outln!("recall is serving {name}'s drills at {url}")?;
        outln!("Open that address in a browser on this computer; Ctrl-C stops the server.")?;
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
