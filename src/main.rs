fn main() -> std::process::ExitCode {
    match recall::cli::run(std::env::args_os()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("recall: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
