#!/usr/bin/env node
// Reference outputs of face-api.js (@vladmandic/face-api) for the PyTorch port.
//
// Usage: node run.js RAW_DIR OUTPUT_JSON
//
// RAW_DIR is the output of decode_with_pillow.py (manifest.json + <name>.rgb raw
// RGB bytes). face-api's *browser* bundle (dist/face-api.js) is evaluated in a
// `vm` context on tfjs' pure-JS `cpu` backend (tfjs-node needs a native binary
// that cannot be downloaded here). Images go in as int32 tf.Tensor3D [h, w, 3],
// so no canvas / JPEG decoding happens inside face-api.
'use strict';

const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { performance } = require('perf_hooks');

const OPTIONS = { minConfidence: 0.5, maxResults: 100 };
const GENERATOR = 'scripts/faceapi_reference/run.sh';

const log = (...args) => console.error('[faceapi-reference]', ...args);

function faceApiDir() {
  return path.dirname(require.resolve('@vladmandic/face-api/package.json', { paths: [__dirname] }));
}

function loadFaceApi(pkgDir) {
  // Minimal browser-ish globals. face-api's env detection finds neither a browser
  // (no HTMLImageElement...) nor Node (no `process`), so we set the env ourselves.
  class Stub {}
  const context = {
    console,
    TextEncoder,
    TextDecoder,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    setImmediate,
    queueMicrotask,
    performance,
    navigator: { userAgent: 'node-vm', platform: 'node' },
    document: {
      createElement: () => {
        throw new Error('document.createElement is not available in this vm context');
      },
      getElementById: () => null,
    },
    location: { href: '', protocol: 'file:' },
  };
  context.window = context;
  context.self = context;
  context.globalThis = context;
  vm.createContext(context);
  const file = path.join(pkgDir, 'dist', 'face-api.js');
  vm.runInContext(`${fs.readFileSync(file, 'utf8')}\nglobalThis.faceapi = faceapi;`, context, { filename: file });
  const { faceapi } = context;
  faceapi.env.setEnv({
    Canvas: Stub,
    CanvasRenderingContext2D: Stub,
    Image: Stub,
    ImageData: Stub,
    Video: Stub,
    createCanvasElement: () => new Stub(),
    createImageElement: () => new Stub(),
    createVideoElement: () => new Stub(),
    fetch: () => Promise.reject(new Error('fetch is disabled: weights are read from disk')),
    readFile: () => Promise.reject(new Error('readFile is disabled')),
  });
  // Helpers compiled inside the context, so typed arrays belong to its realm
  // (tfjs checks `instanceof Float32Array` etc.).
  const helpers = vm.runInContext(`({
    int32FromBytes(bytes) { const a = new Int32Array(bytes.length); for (let i = 0; i < bytes.length; i++) a[i] = bytes[i]; return a; },
    arrayBufferCopy(bytes) { const a = new Uint8Array(bytes.length); a.set(bytes); return a.buffer; },
  })`, context);
  return { faceapi, helpers };
}

function loadWeightMap(faceapi, helpers, modelDir, modelName) {
  const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, `${modelName}-weights_manifest.json`), 'utf8'));
  const weightMap = {};
  for (const group of manifest) {
    const bytes = Buffer.concat(group.paths.map((p) => fs.readFileSync(path.join(modelDir, p))));
    Object.assign(weightMap, faceapi.tf.io.decodeWeights(helpers.arrayBufferCopy(bytes), group.weights));
  }
  return weightMap;
}

function expressionsToPlain(labels, expr) {
  const out = {};
  for (const label of labels) out[label] = expr[label];
  return out;
}

async function main() {
  const [rawDir, outPath] = process.argv.slice(2);
  if (!rawDir || !outPath) {
    console.error('usage: node run.js RAW_DIR OUTPUT_JSON');
    process.exit(2);
  }
  const pkgDir = faceApiDir();
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const { faceapi, helpers } = loadFaceApi(pkgDir);
  const { tf } = faceapi;

  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu') throw new Error(`backend is ${tf.getBackend()}, expected cpu`);
  log(`face-api ${faceapi.version} (package ${pkg.version}), tfjs ${tf.version_core}, backend ${tf.getBackend()}`);

  const modelDir = path.join(pkgDir, 'model');
  faceapi.nets.ssdMobilenetv1.loadFromWeightMap(loadWeightMap(faceapi, helpers, modelDir, 'ssd_mobilenetv1_model'));
  faceapi.nets.faceExpressionNet.loadFromWeightMap(loadWeightMap(faceapi, helpers, modelDir, 'face_expression_model'));
  log('loaded ssd_mobilenetv1_model and face_expression_model from', modelDir);

  const labels = Array.from(faceapi.FACE_EXPRESSION_LABELS);
  const rawManifest = JSON.parse(fs.readFileSync(path.join(rawDir, 'manifest.json'), 'utf8'));
  if (rawManifest.decoder !== 'Pillow') throw new Error('raw pixels must come from decode_with_pillow.py');

  const photos = {};
  let exprSecondsTotal = 0;
  let exprFaces = 0;
  for (const img of rawManifest.images) {
    const { name, width, height } = img;
    const bytes = fs.readFileSync(path.join(rawDir, img.raw));
    if (bytes.length !== width * height * 3) throw new Error(`${img.raw}: expected ${width * height * 3} bytes, got ${bytes.length}`);
    const tensor = tf.tensor3d(helpers.int32FromBytes(bytes), [height, width, 3], 'int32');

    // 1) the library pipeline, exactly as an app would call it
    let t0 = performance.now();
    const results = await faceapi
      .detectAllFaces(tensor, new faceapi.SsdMobilenetv1Options(OPTIONS))
      .withFaceExpressions();
    const secondsFull = (performance.now() - t0) / 1000;
    log(`${name}: ${results.length} faces, detectAllFaces().withFaceExpressions() ${secondsFull.toFixed(2)} s`);

    // 2) detector alone
    t0 = performance.now();
    const detections = await faceapi.detectAllFaces(tensor, new faceapi.SsdMobilenetv1Options(OPTIONS));
    const secondsDetect = (performance.now() - t0) / 1000;
    log(`${name}: detectAllFaces() ${secondsDetect.toFixed(2)} s`);
    if (detections.length !== results.length) throw new Error(`${name}: detector alone found ${detections.length} faces, pipeline ${results.length}`);

    // 3) per face: the crop face-api feeds the expression net, and the net alone on it
    const faces = [];
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      const det = r.detection;
      const d2 = detections[i];
      if (det.score !== d2.score || det.box.x !== d2.box.x || det.box.y !== d2.box.y) {
        throw new Error(`${name}: face ${i} differs between runs (non-deterministic detector?)`);
      }
      const [crop] = await faceapi.extractFaceTensors(tensor, [det]);
      const [ch, cw] = crop.shape;
      const clipped = det.forSize(width, height).box.clipAtImageBorders(width, height);
      if (clipped.width !== cw || clipped.height !== ch) throw new Error(`${name}: crop shape mismatch`);
      t0 = performance.now();
      const expr = await faceapi.nets.faceExpressionNet.predictExpressions(crop);
      exprSecondsTotal += (performance.now() - t0) / 1000;
      exprFaces += 1;
      crop.dispose();
      const expressions = expressionsToPlain(labels, r.expressions);
      const cropExpressions = expressionsToPlain(labels, expr);
      for (const label of labels) {
        if (expressions[label] !== cropExpressions[label]) {
          log(`WARNING ${name} face ${i}: ${label} pipeline ${expressions[label]} vs crop ${cropExpressions[label]}`);
        }
      }
      const top = labels.reduce((a, b) => (expressions[a] >= expressions[b] ? a : b));
      log(`  face ${i}: box [${[det.box.x, det.box.y, det.box.width, det.box.height].map((v) => v.toFixed(1)).join(', ')}] score ${det.score.toFixed(4)} ${top} ${expressions[top].toFixed(3)} crop ${clipped.x},${clipped.y} ${cw}x${ch}`);
      faces.push({
        box: [det.box.x, det.box.y, det.box.width, det.box.height],
        score: det.score,
        relative_box: [det.relativeBox.x, det.relativeBox.y, det.relativeBox.width, det.relativeBox.height],
        expressions,
        expression_input: {
          x: clipped.x,
          y: clipped.y,
          width: cw,
          height: ch,
          expressions: cropExpressions,
        },
      });
    }
    tensor.dispose();
    photos[name] = {
      width,
      height,
      jpeg_sha256: img.jpeg_sha256,
      rgb_sha256: img.rgb_sha256,
      seconds: { detect_and_expressions: secondsFull, detect_only: secondsDetect },
      faces,
    };
  }

  const out = {
    generator: GENERATOR,
    face_api_version: pkg.version,
    tfjs_version: tf.version_core,
    backend: tf.getBackend(),
    node_version: process.version,
    pixels: `decoded by Pillow ${rawManifest.pillow_version}: Image.open(p).convert("RGB"), no EXIF transpose; passed to face-api as int32 tf.Tensor3D [height, width, 3]`,
    pillow_version: rawManifest.pillow_version,
    options: { ...OPTIONS },
    call: 'faceapi.detectAllFaces(tensor, new faceapi.SsdMobilenetv1Options(options)).withFaceExpressions()',
    expression_labels: labels,
    notes: {
      box: 'detection.box [x, y, width, height] in original-image pixels (floats)',
      relative_box: 'detection.relativeBox [x, y, width, height] as fractions of image width/height',
      expression_input: 'integer pixel rectangle cut out of the image tensor by faceapi.extractFaceTensors(tensor, [detection]) '
        + '(box.clipAtImageBorders(w, h) then floor of x, y, width, height; rows y..y+height-1, cols x..x+width-1), '
        + 'and faceExpressionNet.predictExpressions() on exactly that crop',
      seconds: 'wall-clock on the machine that generated this file; detect_and_expressions is the first call on the photo',
    },
    photos,
    expression_net_seconds_per_face: exprFaces ? exprSecondsTotal / exprFaces : null,
  };
  fs.mkdirSync(path.dirname(path.resolve(outPath)), { recursive: true });
  fs.writeFileSync(outPath, `${JSON.stringify(out, null, 2)}\n`);
  log(`wrote ${outPath}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
