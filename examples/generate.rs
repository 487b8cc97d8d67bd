//! Writes a benchmark database: `cargo run --release --example generate --
//! [small|class] [PATH] [SEED]`.

#[path = "../benches/support/generate.rs"]
mod generate;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let size = match args.next().as_deref() {
        None | Some("small") => generate::SMALL,
        Some("class") => generate::CLASS,
        Some(other) => return Err(format!("unknown size {other:?}: small or class").into()),
    };
    let path = args.next().unwrap_or_else(|| "bench.sqlite3".to_string());
    let seed = match args.next() {
        Some(s) => s.parse()?,
        None => 1,
    };
    let written = generate::generate(std::path::Path::new(&path), size, seed)?;
    println!(
        "wrote {path}: {} users, {} cards, {} reviews in {:.1} s ({:.0} reviews/s)",
        size.users,
        size.cards,
        written.reviews,
        written.seconds,
        written.reviews as f64 / written.seconds
    );
    Ok(())
}
