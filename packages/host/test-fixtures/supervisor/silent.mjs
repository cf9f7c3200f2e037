// Never prints a handshake.
process.stderr.write(`pid ${process.pid}\n`);
setInterval(() => {}, 1000);
