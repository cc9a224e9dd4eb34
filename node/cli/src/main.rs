//! `entroos-node`: parses the command line, sets up logging, and runs the
//! node or a subcommand. Errors end here as one line on stderr and exit 1.

use anyhow::Context;
use clap::Parser;
use entroos_node::cli::{Cli, Command, KeyCommand, LogFormat, SharedArgs};
use entroos_node::{blocks, chain_spec::ChainSpec, keys, service};
use std::io::Write;

fn init_logging(shared: &SharedArgs) {
    let directives = if shared.log.is_empty() {
        "info".to_string()
    } else {
        shared.log.join(",")
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&directives)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match shared.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

fn main() {
    let cli = Cli::parse();
    if let Err(error) = run_command(cli) {
        eprintln!("Error: {error:#}");
        std::process::exit(1);
    }
}

fn run_command(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => {
            init_logging(&cli.run.shared);
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            runtime.block_on(run(cli.run))
        }
        Some(Command::BuildSpec(args)) => {
            init_logging(&args.shared);
            let spec = ChainSpec::load(&args.shared.chain_name())?;
            let spec = if args.disable_default_bootnode {
                spec.with_boot_nodes(Vec::new())
            } else {
                spec
            };
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", spec.to_json(args.raw)?)?;
            Ok(())
        }
        Some(Command::PurgeChain(args)) => {
            init_logging(&args.shared);
            let spec = ChainSpec::load(&args.shared.chain_name())?;
            let chain = service::chain_dir(&args.shared.base_path(), &spec);
            let db = chain.join("db");
            if !db.exists() {
                eprintln!("{} did not exist.", db.display());
                return Ok(());
            }
            let _lock = entroos_db::DirLock::acquire(&chain)?;
            if !args.yes {
                eprint!("Are you sure to remove {:?}? [y/N]: ", db);
                let mut answer = String::new();
                std::io::stdin().read_line(&mut answer)?;
                if !answer.trim().eq_ignore_ascii_case("y") {
                    eprintln!("Aborted");
                    return Ok(());
                }
            }
            std::fs::remove_dir_all(&db).with_context(|| format!("removing {}", db.display()))?;
            eprintln!("{:?} removed.", db);
            Ok(())
        }
        Some(Command::ExportBlocks(args)) => {
            init_logging(&args.shared);
            let (_, client) = service::open_client(
                &args.shared,
                &args.shared.base_path(),
                &args.state_pruning,
                entroos_node::cli::DEFAULT_SLOT_MILLIS,
            )?;
            let count = match &args.output {
                Some(path) => blocks::export(
                    &client,
                    args.from,
                    args.to,
                    args.json,
                    &mut std::io::BufWriter::new(std::fs::File::create(path)?),
                )?,
                None => blocks::export(
                    &client,
                    args.from,
                    args.to,
                    args.json,
                    &mut std::io::stdout().lock(),
                )?,
            };
            eprintln!("Exported {count} blocks");
            Ok(())
        }
        Some(Command::ImportBlocks(args)) => {
            init_logging(&args.shared);
            let (_, client) = service::open_client(
                &args.shared,
                &args.shared.base_path(),
                &args.state_pruning,
                entroos_node::cli::DEFAULT_SLOT_MILLIS,
            )?;
            let count = match &args.input {
                Some(path) => blocks::import(&client, args.json, &mut std::fs::File::open(path)?)?,
                None => blocks::import(&client, args.json, &mut std::io::stdin().lock())?,
            };
            eprintln!("Imported {count} blocks; best #{}", client.heads().best.0);
            Ok(())
        }
        Some(Command::Key(KeyCommand::Generate(out))) => {
            let phrase = keys::generate_phrase(out.words)?;
            let text = keys::inspect(&phrase, &out.scheme, out.network, out.output_type == "json")?;
            if out.output_type == "json" {
                println!("{text}");
            } else {
                print!(
                    "Secret phrase:       {phrase}\n{}",
                    text.split_once('\n').map(|(_, rest)| rest).unwrap_or(&text)
                );
            }
            Ok(())
        }
        Some(Command::Key(KeyCommand::Inspect(args))) => {
            print!(
                "{}",
                keys::inspect(
                    &args.uri,
                    &args.output.scheme,
                    args.output.network,
                    args.output.output_type == "json"
                )?
            );
            Ok(())
        }
    }
}

async fn run(args: entroos_node::cli::RunArgs) -> anyhow::Result<()> {
    let node = service::Service::start(args).await?;
    wait_for_signal().await;
    tracing::info!(target: "service", "Shutting down");
    node.stop().await;
    Ok(())
}

async fn wait_for_signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(signal) => signal,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
