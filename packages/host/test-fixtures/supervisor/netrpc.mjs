// Prints a handshake asking for go-plugin's net/rpc protocol, then keeps running.
process.stderr.write(`pid ${process.pid}\n`);
process.stdout.write(`1|1|unix|${process.env.PLUGIN_UNIX_SOCKET_DIR}/plugin.sock|netrpc\n`);
setInterval(() => {}, 1000);
