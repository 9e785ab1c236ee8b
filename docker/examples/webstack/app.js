// A tiny app: counts requests in redis (RESP over a raw socket, no dependencies).
const http = require('http');
const net = require('net');
function incr(cb) {
  const s = net.connect(6379, '127.0.0.1', () => s.write('*2\r\n$4\r\nINCR\r\n$4\r\nhits\r\n'));
  s.once('data', (d) => { s.end(); cb(String(d).replace(/^:|\r\n$/g, '')); });
  s.once('error', () => cb('redis unavailable'));
}
http.createServer((req, res) => incr((n) => res.end(`hits: ${n}\n`))).listen(process.env.PORT || 3000, '127.0.0.1', () => console.log('app listening'));
