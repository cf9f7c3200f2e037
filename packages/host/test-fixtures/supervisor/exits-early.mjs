// Explains itself on stderr and exits before the handshake.
process.stderr.write(`pid ${process.pid}\n`);
process.stderr.write("fatal: missing configuration\n");
process.exit(3);
