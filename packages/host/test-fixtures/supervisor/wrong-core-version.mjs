// Prints a handshake of go-plugin core protocol version 2, then keeps running.
process.stderr.write(`pid ${process.pid}\n`);
process.stdout.write("2|1|unix|/tmp/plugin.sock|grpc\n");
setInterval(() => {}, 1000);
