//! The `recall` command: runs [`recall::cli::run`] on the process's
//! arguments and, when it fails, prints its one error on standard error
//! (shown, never obeyed by the terminal) and exits with status 1.

fn main() -> std::process::ExitCode {
    match recall::cli::run(std::env::args_os()) {
        Ok(code) => code,
        Err(err) => {
            // What an error quotes may come from a file or the database:
            // shown, never obeyed by the terminal.
            eprintln!("recall: {}", recall::text::clean(&err.to_string()));
            std::process::ExitCode::FAILURE
        }
    }
}
