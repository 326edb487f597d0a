/*
 * Adam Lab chart: one plotly.js graph that stays mounted while its Streamlit script reruns.
 *
 * Speaks Streamlit's components v1 protocol with plain postMessage: it announces itself with
 * "streamlit:componentReady", receives "streamlit:render" with the Python arguments (the
 * message bytes in args.payload, see ui/chart/payload.py), and answers with
 * "streamlit:setComponentValue" (clicks, released live sliders, requests for pieces it lacks)
 * and "streamlit:setFrameHeight".
 *
 * Every update goes through Plotly.react on the same div, so zoom and pan survive
 * (layout.uirevision) and frames are replaced. Large pieces of a figure arrive once and are
 * kept per chart in the Streamlit page's window (same origin), so they outlive this iframe
 * when a tab switch remounts it.
 */
"use strict";

(function () {
  const graph = document.getElementById("graph");
  const scrubPanel = document.getElementById("scrubs");
  const decoder = new TextDecoder();
  // Pieces kept per chart: at least twice what the server assumes (payload.py), and twice
  // the pieces of the largest message seen, so that one message never evicts its own.
  const BROWSER_MEMORY = 128;

  // Counters for tests and benchmarks; nothing reads them in production.
  const stats = {
    mount: Math.random().toString(36).slice(2),
    renders: 0, // render messages received
    draws: 0, // Plotly.react calls
    skipped: 0, // render messages whose figure was already drawn
    resyncs: 0, // requests for pieces this chart lacked
    scrubDraws: 0, // live-slider redraws
    scrubShown: {}, // live slider name -> the stop drawn
    payloadBytes: 0, // size of the last message
    ms: {}, // the last figure's milliseconds: reading the message, Plotly.react; and the
    // last live redraw's (swap)
    bundles: [], // plotly.js bundles loaded, in order
    bundleMs: [], // milliseconds from asking for each bundle to having it run
    rev: null, // the figure drawn
    times: { opened: performance.timeOrigin }, // epoch milliseconds of this frame's milestones
    // times.settled: the last render message handled (drawn, then the frame that shows it
    // begun; or found already drawn), in epoch milliseconds; times.liveBegun: the last live
    // redraw begun; times.lives: the frames that showed the last 16 live redraws begun
  };
  window.adamLabChart = stats;

  // Interrupting an animation (Pause, a new figure, a live slider) rejects Plotly's
  // animation promise with no reason on purpose (plotly/plotly.js#2438): not an error.
  window.addEventListener("unhandledrejection", (event) => {
    if (event.reason === undefined) event.preventDefault();
  });

  // -- protocol --------------------------------------------------------------------------
  function post(type, fields) {
    window.parent.postMessage({ isStreamlitMessage: true, type, ...fields }, "*");
  }

  let key = null;
  let store = null; // this chart's memory in the page: {pieces: Map, clicks: n, seq: n}

  function chartStore(chartKey) {
    let charts;
    try {
      charts = window.parent.__adamLabCharts ??= new Map();
    } catch (error) {
      charts = window.__adamLabCharts ??= new Map(); // a parent on another origin
    }
    if (!charts.has(chartKey)) {
      charts.set(chartKey, { pieces: new Map(), limit: BROWSER_MEMORY, clicks: 0, seq: 0 });
    }
    return charts.get(chartKey);
  }

  // The component's value: the last event and the last click and scrub, every time.
  const value = { event: "", click: null, scrub: {}, need: [] };
  function report(event, fields) {
    store.seq += 1;
    Object.assign(value, fields, { event, seq: store.seq, mount: stats.mount });
    post("streamlit:setComponentValue", { value: { ...value }, dataType: "json" });
  }

  let lastHeight = 0;
  function reportHeight() {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height > 0 && height !== lastHeight) {
      lastHeight = height;
      post("streamlit:setFrameHeight", { height });
    }
  }

  // -- the pieces this chart holds ---------------------------------------------------------
  function keep(name, piece) {
    const pieces = store.pieces;
    pieces.delete(name);
    pieces.set(name, piece);
    while (pieces.size > store.limit) pieces.delete(pieces.keys().next().value);
  }

  function use(name) {
    const piece = store.pieces.get(name);
    keep(name, piece); // most recently used
    return piece;
  }

  // Plotly.react tells a changed data array from an unchanged one by reference only, and
  // plotly.js decodes a {dtype, bdata} spec into a new typed array on every update, so a
  // figure sent as specs would be recomputed and redrawn whole every time. So specs are
  // decoded here, once per piece, and the same typed arrays go to Plotly on every update.
  // prettier-ignore
  const TYPED = {
    i1: Int8Array, u1: Uint8Array, u1c: Uint8ClampedArray, i2: Int16Array, u2: Uint16Array,
    i4: Int32Array, u4: Uint32Array, f4: Float32Array, f8: Float64Array,
  };
  const decodedSpecs = new WeakMap(); // spec (kept in the pieces) -> its typed array

  function bytesOf(base64) {
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function decodeSpec(spec) {
    const Type = TYPED[spec.dtype];
    if (!Type || typeof spec.bdata !== "string") return spec; // let plotly.js read it
    if (decodedSpecs.has(spec)) return decodedSpecs.get(spec);
    const buffer = bytesOf(spec.bdata).buffer;
    const shape = spec.shape === undefined ? [] : String(spec.shape).split(",").map(Number);
    const row = (offset, length) => new Type(buffer, offset * Type.BYTES_PER_ELEMENT, length);
    let array;
    if (shape.length <= 1) array = new Type(buffer);
    else if (shape.length === 2) {
      array = Array.from({ length: shape[0] }, (_, r) => row(r * shape[1], shape[1]));
    } else if (shape.length === 3) {
      const [n, rows, columns] = shape;
      array = Array.from({ length: n }, (_, k) =>
        Array.from({ length: rows }, (_, r) => row((k * rows + r) * columns, columns)),
      );
    } else return spec;
    decodedSpecs.set(spec, array);
    return array;
  }

  // A copy of the figure's containers with its data arrays shared. Plotly writes into the
  // trace objects it is given (animation frames, live sliders), so those must be new, while
  // arrays it sees again by reference count as unchanged.
  function share(value) {
    if (Array.isArray(value)) {
      return value.every((v) => typeof v !== "object" || v === null) ? value : value.map(share);
    }
    if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return value;
    if (typeof value.dtype === "string" && "bdata" in value) return decodeSpec(value);
    const copy = {};
    for (const [name, v] of Object.entries(value)) copy[name] = share(v);
    return copy;
  }

  const isArrayLike = (v) => Array.isArray(v) || ArrayBuffer.isView(v);

  function sameValues(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i += 1) {
      const x = a[i];
      const y = b[i];
      if (x === y || (x !== x && y !== y)) continue; // NaN equals NaN here
      if (isArrayLike(x) && isArrayLike(y) && sameValues(x, y)) continue;
      return false;
    }
    return true;
  }

  // `value` with every array equal to the one at the same place in `old` replaced by that
  // one, so that Plotly.react sees what did not change as unchanged.
  function intern(value, old) {
    if (value === old || old === undefined || old === null) return value;
    if (isArrayLike(value)) return isArrayLike(old) && sameValues(value, old) ? old : value;
    if (typeof value === "object" && value !== null && typeof old === "object") {
      for (const name of Object.keys(value)) value[name] = intern(value[name], old[name]);
    }
    return value;
  }

  function place(body, path, piece) {
    let target = body;
    for (const step of path.slice(0, -1)) target = target[step];
    target[path[path.length - 1]] = piece;
  }

  // -- plotly.js bundles -----------------------------------------------------------------
  // Each bundle defines window.Plotly; they load one after the other, each captured at once.
  const libraries = new Map();
  let queue = Promise.resolve();

  function inject(url) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      const start = performance.now();
      script.src = url;
      script.onload = () => {
        stats.bundles.push(url);
        stats.bundleMs.push(Math.round(performance.now() - start));
        cacheArrayAttributes(window.Plotly);
        resolve(window.Plotly);
      };
      script.onerror = () => reject(new Error(`could not load ${url}`));
      document.head.appendChild(script);
    });
  }

  // plotly.js lists each trace's array attributes again on every update, animation frame
  // and live-slider redraw, for every trace (Plots.doCalcdata), and each listing walks the
  // whole attribute schema of the trace's type: a third of a live-slider redraw here. The
  // walk depends on the schema alone, so this does it once per schema and then only looks
  // at those places in each trace: the same list, in the same order (browser tests compare
  // it with plotly.js's own on every trace of the Playground, Inside Adam, Sweep and Basins).
  // `findArrayAttributes` is public API (Plotly.PlotSchema); the walk copies plotly.js
  // 3.7.0's, pinned with it.
  function cacheArrayAttributes(plotly) {
    const schema = plotly?.PlotSchema;
    if (!schema?.crawl || !schema.findArrayAttributes || schema.findArrayAttributes.original) {
      return;
    }
    const original = schema.findArrayAttributes;
    // The base attributes every trace shares: the first schema plotly.js walks for a trace
    // that has no type of its own.
    let base = null;
    const crawl = schema.crawl;
    schema.crawl = function (attributes, ...rest) {
      base ??= attributes;
      return crawl.call(this, attributes, ...rest);
    };
    try {
      original({});
    } finally {
      schema.crawl = crawl;
    }
    if (!base) return;

    const places = new WeakMap(); // attribute schema -> [[path, linked-to-array flags]]
    function placesIn(attributes) {
      let found = places.get(attributes);
      if (found) return found;
      found = [];
      let stack = [];
      let linked = [];
      crawl.call(schema, attributes, (attribute, name, container, level) => {
        stack = stack.slice(0, level).concat([name]);
        linked = linked.slice(0, level).concat([attribute && attribute._isLinkedToArray]);
        const splittable =
          attribute &&
          (attribute.valType === "data_array" || attribute.arrayOk === true) &&
          !(stack[level - 1] === "colorbar" && (name === "ticktext" || name === "tickvals"));
        if (splittable) found.push([stack, linked]);
      });
      places.set(attributes, found);
      return found;
    }

    const isArrayOrTyped = (v) =>
      Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
    const isPlainObject = (v) =>
      Object.prototype.toString.call(v) === "[object Object]" &&
      Object.getPrototypeOf(v).hasOwnProperty("hasOwnProperty");

    function collect(container, i, prefix, stack, linked, found) {
      const item = container[stack[i]];
      const path = prefix + stack[i];
      if (i === stack.length - 1) {
        if (isArrayOrTyped(item)) found.push(path);
      } else if (linked[i]) {
        if (Array.isArray(item)) {
          for (let d = 0; d < item.length; d += 1) {
            if (isPlainObject(item[d])) {
              collect(item[d], i + 1, `${path}[${d}].`, stack, linked, found);
            }
          }
        }
      } else if (isPlainObject(item)) {
        collect(item, i + 1, `${path}.`, stack, linked, found);
      }
    }

    function findArrayAttributes(trace) {
      const found = [];
      const schemas = [base];
      if (trace._module && trace._module.attributes) schemas.push(trace._module.attributes);
      for (const attributes of schemas) {
        for (const [stack, linked] of placesIn(attributes)) {
          collect(trace, 0, "", stack, linked, found);
        }
      }
      return found;
    }
    findArrayAttributes.original = original;
    schema.findArrayAttributes = findArrayAttributes;
  }

  // Every chart is an iframe that runs its own copy of the bundle. Compiling it takes most
  // of a second on a small machine; the browser keeps the compiled code for the next frame
  // that loads the same script, but not for frames compiling it at the same time. So the
  // first chart of the page compiles it, and the others wait for that (at most a few
  // seconds, in case that chart goes away) and then load it from the browser's cache.
  async function loadOnce(url) {
    let gates = {};
    try {
      gates = window.parent.__adamLabBundleGates ??= {};
    } catch (error) {
      // A parent on another origin: load without waiting.
    }
    let done = null;
    if (gates[url]) {
      const timeout = new Promise((resolve) => setTimeout(resolve, 5000));
      await Promise.race([gates[url], timeout]);
    } else {
      gates[url] = new Promise((resolve) => (done = resolve));
    }
    try {
      return await inject(url);
    } finally {
      done?.();
    }
  }

  // "cartesian" or "gl3d": the plotly.js bundle of that name, at the vendored version.
  function library(bundle) {
    const url = `vendor/plotly-${bundle}.min.js?v=${window.PLOTLY_VERSION}`;
    if (!libraries.has(url)) {
      queue = queue.then(() => loadOnce(url));
      libraries.set(url, queue);
    }
    return libraries.get(url);
  }

  // The component's name says which bundle its figure needs ("…_3d" for 3-D figures), so
  // that bundle starts loading now, while Streamlit is still getting ready to send it.
  const component = decodeURIComponent(location.pathname.split("/").at(-2) || "");
  library(component.endsWith("_3d") ? "gl3d" : "cartesian").catch(() => {});

  // -- drawing ---------------------------------------------------------------------------
  let Plotly = null; // the library that drew the graph
  let pending = null;
  let busy = false;
  let askedFor = null; // the rev whose missing pieces were requested

  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || event.data?.type !== "streamlit:render") return;
    const args = event.data.args;
    stats.renders += 1;
    if (key === null) {
      key = String(args.key);
      store = chartStore(key);
      document.body.dataset.key = key;
    }
    // Read every message at once, so that the pieces of one that a newer message replaces
    // before it is drawn are kept all the same.
    const start = performance.now();
    stats.times.firstMessage ??= performance.timeOrigin + start;
    stats.payloadBytes = args.payload.byteLength;
    const message = JSON.parse(decoder.decode(args.payload));
    store.limit = Math.max(store.limit, 2 * message.refs.length);
    for (const [name, piece] of Object.entries(message.pieces)) keep(name, piece);
    pending = { rev: args.rev, message, start };
    pump();
  });

  async function pump() {
    if (busy) return;
    busy = true;
    try {
      while (pending) {
        const next = pending;
        pending = null; // a newer render replaces one not yet drawn
        try {
          await render(next);
        } catch (error) {
          // An animation interrupted by the user (Play, Pause) rejects with no reason.
          if (error !== undefined) console.error("chart update failed", error);
        }
      }
    } finally {
      busy = false;
    }
  }

  const epochNow = () => performance.timeOrigin + performance.now();

  async function render({ rev, message, start }) {
    if (rev === stats.rev) {
      stats.skipped += 1; // the same figure again (a resize, or pieces now by reference)
      stats.times.settled = epochNow();
      return;
    }
    const missing = message.refs.map(([, name]) => name).filter((n) => !store.pieces.has(n));
    if (missing.length) {
      if (askedFor !== rev) {
        askedFor = rev;
        stats.resyncs += 1;
        report("resync", { need: missing });
      }
      return;
    }
    const body = message.body;
    for (const [path, name] of message.refs) place(body, path, use(name));
    body.figure = share(body.figure);
    const read = performance.now();
    await draw(body);
    Object.assign(stats.ms, {
      read: Math.round(read - start),
      draw: Math.round(performance.now() - read),
      received: performance.timeOrigin + start, // epoch milliseconds, comparable across frames
    });
    stats.rev = rev;
    stats.times.firstDrawn ??= epochNow();
    syncScrubs(body.scrub, message.refs); // the frame's height follows (ResizeObserver)
    requestAnimationFrame(() => (stats.times.settled = epochNow()));
  }

  function animating() {
    const transition = graph._transitionData;
    return Boolean(transition && (transition._animationRaf || transition._frameQueue?.length));
  }

  function pause() {
    if (Plotly && animating()) {
      Plotly.animate(graph, [null], {
        mode: "immediate",
        frame: { duration: 0, redraw: false },
        transition: { duration: 0 },
      }).catch(() => {});
    }
  }

  async function draw(body) {
    const next = await library(body.bundle);
    if (Plotly && Plotly !== next) {
      Plotly.purge(graph); // a 2-D chart became 3-D (or back): the other library draws it
      bound = false;
    }
    const drawn = Plotly === next && graph._fullData;
    Plotly = next;
    pause(); // a running animation would go on playing the old frames
    const figure = body.figure;
    if (drawn) internAll(figure.data);
    // frames: [] too, so that a figure without frames drops the previous ones.
    const start = performance.now();
    await Plotly.react(graph, {
      data: figure.data,
      layout: figure.layout,
      frames: figure.frames || [],
      config: body.config,
    });
    stats.ms.react = Math.round(performance.now() - start);
    stats.draws += 1;
    if (!bound) bind();
  }

  // Arrays equal to the drawn ones become the drawn ones, so that Plotly.react recomputes
  // only what changed. (Moving changed scatter points by a separate instant animation frame
  // was measured slower on every page: it costs a second pass over the whole figure.)
  function internAll(data) {
    const old = graph.data || [];
    data.forEach((trace, index) => {
      const before = old[index];
      if (!before || !trace || typeof trace !== "object") return;
      for (const name of Object.keys(trace)) trace[name] = intern(trace[name], before[name]);
    });
  }

  function axis(id) {
    return graph._fullLayout[`${id.charAt(0)}axis${id.slice(1)}`];
  }

  // Whether any of these traces is drawn on an axis that follows its data.
  function autoranged(traces) {
    return traces.some((i) => {
      const trace = graph._fullData[i];
      return axis(trace.xaxis || "x")?.autorange || axis(trace.yaxis || "y")?.autorange;
    });
  }

  // -- clicks ----------------------------------------------------------------------------
  let bound = false;

  function bind() {
    bound = true;
    graph.on("plotly_buttonclicked", (event) => playListed(event?.button));
    graph.on("plotly_click", (event) => {
      const click = clickOf(event);
      if (click) {
        store.clicks += 1;
        click.n = store.clicks;
        report("click", { click, need: [] });
      }
    });
  }

  // An animate button with `execute: false` (the Playground's 2×, see viz/paths.py) lists
  // frames to play, fewer than all: play those after the current frame, so that a paused
  // animation goes on from where it stands (Plotly.js's own `fromcurrent` would start the
  // list over whenever the current frame is not in it); at the end, from the start.
  function playListed(button) {
    if (!button || button.execute !== false || button.method !== "animate") return;
    const [names, options] = button.args || [];
    if (!Array.isArray(names) || names.length === 0) return;
    const order = new Map((graph._transitionData?._frames || []).map((f, i) => [f.name, i]));
    const at = order.get(graph._fullLayout?._currentFrame) ?? -1;
    const after = names.filter((name) => (order.get(name) ?? -1) > at);
    Plotly.animate(graph, after.length ? after : names, { ...options, fromcurrent: false }).catch(
      () => {}, // interrupted by Pause or another button: nothing to report
    );
  }

  function plain(v) {
    if (ArrayBuffer.isView(v)) return Array.from(v);
    if (v === undefined || typeof v === "function") return null;
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return null;
    return v;
  }

  // Where the pointer was, in data coordinates: its pixel on the subplot's axes through the
  // axes' p2d (internal plotly.js API, pinned with the bundle and covered by the browser
  // tests); else the click's xvals/yvals, which layout.clickanywhere adds.
  function pointerOf(event) {
    const mouse = event.event;
    const layout = graph._fullLayout;
    if (mouse && typeof mouse.clientX === "number" && layout?._plots) {
      const box = graph.getBoundingClientRect();
      const px = mouse.clientX - box.left;
      const py = mouse.clientY - box.top;
      for (const [id, plot] of Object.entries(layout._plots)) {
        const xa = plot.xaxis;
        const ya = plot.yaxis;
        if (!xa?.p2d || !ya?.p2d) continue;
        const dx = px - xa._offset;
        const dy = py - ya._offset;
        if (dx >= 0 && dx <= xa._length && dy >= 0 && dy <= ya._length) {
          return { x: xa.p2d(dx), y: ya.p2d(dy), subplot: id };
        }
      }
    }
    const xa = event.xaxes?.[0];
    const ya = event.yaxes?.[0];
    if (xa && ya && event.xvals && event.yvals) {
      const x = xa.c2d ? xa.c2d(event.xvals[0]) : event.xvals[0];
      const y = ya.c2d ? ya.c2d(event.yvals[0]) : event.yvals[0];
      return { x, y, subplot: (xa._id || "x") + (ya._id || "y") };
    }
    return null;
  }

  function clickOf(event) {
    const pointer = pointerOf(event);
    const point = event.points?.[0];
    if (!pointer && !point) return null;
    const click = {
      x: pointer ? pointer.x : null,
      y: pointer ? pointer.y : null,
      curve: null,
      point: null,
      z: null,
      customdata: null,
      pointer: pointer ? { x: pointer.x, y: pointer.y } : { x: null, y: null },
      subplot: pointer ? pointer.subplot : "xy",
    };
    if (point) {
      Object.assign(click, {
        x: plain(point.x),
        y: plain(point.y),
        curve: point.curveNumber ?? null,
        point: plain(point.pointNumber ?? null),
        z: plain(point.z ?? null),
        customdata: plain(point.customdata ?? null),
      });
    }
    return click;
  }

  // -- live sliders ----------------------------------------------------------------------
  const scrubs = new Map(); // name -> {row, input, output, meta, stops, shown, dragging}
  const decoded = new Map(); // stop-block digests -> decoded stops (a few recent ones)

  // One Float32Array view per 1-D array; a 2-D array (a heatmap's z) as a list of rows.
  // A whole slider's block holds the arrays the same at every stop first (block.shared),
  // then each stop's; a window of a few stops has each stop's arrays in a piece of its own
  // (block.each[stop]), kept decoded as long as the piece is kept (a window that moves by
  // one stop decodes one stop).
  function reader(bdata, dtype) {
    const bytes = bytesOf(bdata);
    const all = dtype === "<f2" ? halves(bytes) : new Float32Array(bytes.buffer);
    let offset = 0;
    const one = (length) => {
      const view = all.subarray(offset, offset + length);
      offset += length;
      return view;
    };
    return (shape) =>
      shape.length === 1 ? one(shape[0]) : Array.from({ length: shape[0] }, () => one(shape[1]));
  }

  const decodedPiece = new WeakMap(); // block.each[stop] (a kept piece) -> its arrays
  function decodeStops(block) {
    const stops = [];
    if (block.each) {
      const layout = JSON.stringify(block.attrs); // what the piece's arrays are
      for (const piece of block.each) {
        let kept = decodedPiece.get(piece);
        if (kept?.layout !== layout) {
          const read = reader(piece.bdata, piece.dtype);
          let k = 0;
          const stop = block.attrs.map((names) => {
            const data = {};
            for (const name of names) data[name] = read(piece.shapes[k++]);
            return data;
          });
          kept = { layout, stop };
          decodedPiece.set(piece, kept);
        }
        stops.push(kept.stop.map((data) => ({ ...data })));
      }
    } else {
      const take = reader(block.bdata, block.dtype);
      const shared = block.shared.map(([j, name, shape]) => [j, name, take(shape)]);
      let k = 0;
      for (let s = 0; s < block.count; s += 1) {
        const stop = block.traces.map((trace, j) => {
          const data = {};
          for (const name of block.attrs[j]) data[name] = take(block.shapes[k++]);
          return data;
        });
        for (const [j, name, array] of shared) stop[j][name] = array;
        stops.push(stop);
      }
    }
    return { traces: block.traces, stops, names: block.names ?? {}, layout: block.layout ?? {} };
  }

  // Little-endian float16 values as a Float32Array, through a table of all 65 536 of them.
  let HALF = null;
  function halves(bytes) {
    if (!HALF) {
      HALF = new Float32Array(65536);
      for (let h = 0; h < 65536; h += 1) {
        const exponent = (h >> 10) & 31;
        const fraction = h & 1023;
        const magnitude =
          exponent === 0
            ? fraction * 2 ** -24
            : exponent === 31
              ? (fraction ? NaN : Infinity)
              : (1 + fraction / 1024) * 2 ** (exponent - 15);
        HALF[h] = h & 32768 ? -magnitude : magnitude;
      }
    }
    const codes = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
    const out = new Float32Array(codes.length);
    for (let k = 0; k < codes.length; k += 1) out[k] = HALF[codes[k]];
    return out;
  }

  function stopsOf(meta, index, refs) {
    // Known by the digests of its pieces: the block's (when it is one) and its stops'.
    const mine = refs.filter(([path]) => path[0] === "scrub" && path[1] === index);
    const whole = mine.some(([path]) => path.length === 3);
    const name = whole ? mine.map(([, digest]) => digest).join(" ") : null;
    if (name && decoded.has(name)) return decoded.get(name);
    const result = decodeStops(meta.stops);
    if (name) {
      decoded.set(name, result);
      while (decoded.size > 8) decoded.delete(decoded.keys().next().value);
    }
    return result;
  }

  function syncScrubs(metas, refs) {
    const names = new Set(metas.map((m) => m.name));
    for (const [name, s] of scrubs) {
      if (!names.has(name)) {
        s.row.remove();
        scrubs.delete(name);
      }
    }
    metas.forEach((meta, index) => {
      let s = scrubs.get(meta.name);
      if (!s) s = makeScrub(meta.name);
      scrubPanel.appendChild(s.row); // keeps the figure's order
      s.row.hidden = meta.row === false;
      s.meta = meta;
      s.stops = stopsOf(meta, index, refs);
      s.label.textContent = meta.label;
      s.input.setAttribute("aria-label", meta.label);
      s.input.max = String(meta.values.length - 1);
      // The new figure shows the stop at meta.index; a slider in the user's hand stays put.
      s.shown = meta.index;
      stats.scrubShown[meta.name] = meta.index;
      if (!s.dragging) {
        s.input.value = String(meta.index);
        s.output.value = meta.text[meta.index];
      }
    });
  }

  function makeScrub(name) {
    const row = document.createElement("div");
    row.className = "scrub";
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "range";
    input.min = "0";
    input.step = "1";
    input.id = `scrub-${scrubs.size}`;
    label.htmlFor = input.id;
    const output = document.createElement("output");
    output.htmlFor = input.id;
    row.append(label, input, output);
    const s = { row, label, input, output, meta: null, stops: null, shown: -1, dragging: false };
    input.addEventListener("pointerdown", () => (s.dragging = true));
    input.addEventListener("input", () => {
      const index = Number(input.value);
      output.value = s.meta.text[index];
      moveTo(s, index, s.dragging);
      tellOthers(s.meta.name, index, s.dragging);
    });
    input.addEventListener("change", () => {
      s.dragging = false;
      const index = Number(input.value);
      report("scrub", { scrub: { [s.meta.name]: s.meta.values[index] }, need: [] });
    });
    scrubs.set(name, s);
    return s;
  }

  // How a live slider's stop is redrawn depends on how it moved:
  // - one move (a key, a click on the track): at once, in the task that moved it, with one
  //   restyle that also renames the legend entries: the rerun that move starts soon keeps
  //   the page's thread busy, and a display frame waited for would come late;
  // - a drag, or moves that follow each other within RAPID_MS (a key held down): an
  //   animation frame of its own (only these traces, at display rate) where the axes stay
  //   put; a chart whose axes follow the data (a full restyle, tens of ms) redraws when the
  //   page is idle, at least every IDLE_MS, so that the dragged chart keeps its rate.
  // Only the newest stop is drawn, one redraw at a time.
  const IDLE_MS = 150;
  const RAPID_MS = 100;
  let target = null;
  let swapping = false;
  let idle = null;
  let lastMove = -Infinity;
  function moveTo(s, index, dragging) {
    // Already shown, or on its way (a page's slider may report its value more than once).
    if (index === (s.drawing ?? s.shown) && !(target && target.s === s)) return;
    const now = performance.now();
    const dragged = dragging || now - lastMove < RAPID_MS;
    lastMove = now;
    target = { s, index, dragged, meta: s.meta };
    schedule();
  }

  function schedule() {
    if (target.dragged && !canAnimate(target.s)) {
      idle ??= requestIdleCallback(
        () => {
          idle = null;
          swapLatest();
        },
        { timeout: IDLE_MS },
      );
    } else {
      swapLatest(); // now, or when the redraw under way ends
    }
  }

  // The page's other charts follow a slider dragged here (events on the page's window), and
  // every chart follows the page's own widget whose key a slider names (meta.follows): the
  // page's slider shows its new value at once, while the rerun it starts takes a while.
  const SCRUBBED = "adam-lab-chart-scrub";
  let page = null;
  try {
    page = window.parent.document.body ? window.parent : null;
  } catch (error) {
    page = null; // not same-origin: live sliders stay in this chart
  }

  function tellOthers(name, index, dragged) {
    const detail = { name, index, dragged, from: key };
    page?.dispatchEvent(new page.CustomEvent(SCRUBBED, { detail }));
  }

  function onScrubbed(event) {
    const { name, index, dragged, from } = event.detail ?? {};
    const s = scrubs.get(name);
    if (from !== key && s && Number.isInteger(index) && index < s.meta.values.length) {
      showStop(s, index);
      moveTo(s, index, Boolean(dragged));
    }
  }

  function showStop(s, index) {
    if (!s.dragging) {
      s.input.value = String(index);
      s.output.value = s.meta.text[index];
    }
  }

  // A Streamlit slider keyed "k" sits in an element with the class "st-key-k"; its thumb is
  // an <input type="range"> whose aria-valuetext is the value as the widget shows it, inside
  // an element marked data-dragging while the pointer drags it.
  function followed(target) {
    const holder = target.closest?.("[class*='st-key-']");
    const name = [...(holder?.classList ?? [])].find((c) => c.startsWith("st-key-"));
    return name ? name.slice("st-key-".length) : null;
  }

  if (page) {
    const watcher = new page.MutationObserver((records) => {
      for (const record of records) {
        const name = followed(record.target);
        const s = name && scrubs.get(name);
        if (!s || s.meta.follows !== true) continue;
        const index = s.meta.text.indexOf(record.target.getAttribute("aria-valuetext"));
        if (index >= 0) {
          showStop(s, index);
          moveTo(s, index, Boolean(record.target.closest("[data-dragging]")));
        }
      }
    });
    watcher.observe(page.document.body, {
      subtree: true,
      attributes: true,
      attributeFilter: ["aria-valuetext"],
    });
    page.addEventListener(SCRUBBED, onScrubbed);
    // A tab switch removes this frame: the page must not call into it any more.
    window.addEventListener("pagehide", () => {
      watcher.disconnect();
      page.removeEventListener(SCRUBBED, onScrubbed);
    });
  }

  async function swapLatest() {
    if (swapping || !target || !Plotly) return;
    const { s, dragged, meta } = target;
    // A stop asked for under an earlier figure: the same value among this figure's stops.
    const index = meta === s.meta ? target.index : s.meta.text.indexOf(meta.text[target.index]);
    target = null;
    if (index < 0 || s.shown === index) return;
    swapping = true;
    s.drawing = index;
    const begun = performance.now();
    stats.times.liveBegun = performance.timeOrigin + begun;
    try {
      await swap(s, index, dragged);
      stats.ms.swap = Math.round(performance.now() - begun);
      if (s.meta === meta) s.shown = index; // else the new figure has set it
      stats.scrubDraws += 1;
      stats.scrubShown[s.meta.name] = s.shown;
      requestAnimationFrame(() => {
        stats.times.lives = [...(stats.times.lives ?? []).slice(-15), epochNow()];
      });
    } catch (error) {
      console.warn("live slider redraw failed", error);
    } finally {
      swapping = false;
      s.drawing = undefined;
      if (target) schedule();
    }
  }

  function canAnimate(s) {
    const traces = s.stops.traces;
    return traces.every((t) => graph._fullData?.[t]?.type === "scatter") && !autoranged(traces);
  }

  async function swap(s, index, dragged) {
    const { traces, stops } = s.stops;
    const data = stops[index];
    if (dragged && canAnimate(s)) {
      // An animation "frame" of its own: redraws only these traces, like the figure's
      // redraw: false frames, and interrupts a running animation.
      return Plotly.animate(
        graph,
        { data, traces },
        { mode: "immediate", frame: { duration: 0, redraw: false }, transition: { duration: 0 } },
      );
    }
    // Every swapped attribute and legend name (stops.names: trace -> name per stop) at once;
    // a drag renames nothing until it ends (the rerun's figure names the released stop).
    const renamed = new Map(
      dragged ? [] : Object.entries(s.stops.names).map(([t, n]) => [Number(t), n]),
    );
    const every = [...new Set([...traces, ...renamed.keys()])];
    const at = (t) => data[traces.indexOf(t)] ?? {};
    const update = {};
    for (const name of new Set(data.flatMap((attrs) => Object.keys(attrs)))) {
      update[name] = every.map((t) => at(t)[name] ?? graph.data[t][name]);
    }
    if (renamed.size) {
      update.name = every.map((t) => (renamed.has(t) ? renamed.get(t)[index] : graph.data[t].name));
    }
    // Titles that name the value (stops.layout: relayout path -> text per stop), likewise.
    const texts = Object.entries(dragged ? {} : s.stops.layout);
    pause();
    if (!texts.length) return Plotly.restyle(graph, update, every);
    return Plotly.update(
      graph,
      update,
      Object.fromEntries(texts.map(([path, perStop]) => [path, perStop[index]])),
      every,
    );
  }

  // -- size ------------------------------------------------------------------------------
  let width = 0;
  new ResizeObserver(() => {
    const now = document.body.clientWidth;
    if (Plotly && graph._fullLayout && now > 0 && now !== width) {
      width = now;
      Plotly.Plots.resize(graph).catch(() => {});
    }
    reportHeight();
  }).observe(document.body);

  post("streamlit:componentReady", { apiVersion: 1 });
  stats.times.ready = performance.timeOrigin + performance.now();
})();
