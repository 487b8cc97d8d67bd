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
