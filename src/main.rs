fn main() {
    std::process::exit(souk::cli::main());
}
