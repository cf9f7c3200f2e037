// Prints something that is not a handshake line, then keeps running.
process.stderr.write(`pid ${process.pid}\n`);
process.stdout.write("hello world\n");
setInterval(() => {}, 1000);
