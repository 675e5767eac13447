// Times QRCode.toBuffer(url) (PNG, level M, scale 4, margin 4: the same
// image as labelgen's RenderQrPng(qr, 4, 4)) over the URL list written by
// labelgen_bench, single-threaded, and prints the median rate of several
// rounds per CPU second as "npm_qrcode_png_per_s <rate>" (and per wall
// second as "npm_qrcode_png_per_s_wall <rate>").
//
//   node bench.js URLS_FILE [ROUNDS]
'use strict';

const fs = require('fs');
const QRCode = require('qrcode');

async function main() {
  const [file, roundsArg] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node bench.js URLS_FILE [ROUNDS]');
    process.exit(2);
  }
  const urls = fs.readFileSync(file, 'utf8').split('\n').filter((u) => u);
  const rounds = Number(roundsArg || 3);
  const options = {errorCorrectionLevel: 'M', type: 'png', scale: 4, margin: 4};
  // Warm up the JIT.
  for (const url of urls.slice(0, 200)) await QRCode.toBuffer(url, options);
  const rates = [];
  const wallRates = [];
  let bytes = 0;
  for (let r = 0; r < rounds; ++r) {
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    for (const url of urls) {
      const png = await QRCode.toBuffer(url, options);
      bytes += png.length;
    }
    const cpu = process.cpuUsage(cpuStart);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    // CPU time of the process (user + system), like labelgen_bench's
    // per-thread CPU time; node's GC helper threads are included.
    rates.push(urls.length / ((cpu.user + cpu.system) / 1e6));
    wallRates.push(urls.length / seconds);
  }
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  console.log(`npm_qrcode_png_per_s ${median(rates).toFixed(1)}`);
  console.log(`npm_qrcode_png_per_s_wall ${median(wallRates).toFixed(1)}`);
  console.log(`npm_qrcode_urls ${urls.length}`);
  console.log(`npm_qrcode_avg_png_bytes ${(bytes / (urls.length * rounds)).toFixed(0)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
