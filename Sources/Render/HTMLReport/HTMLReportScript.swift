/// The HTML report's script (plain JavaScript, no libraries, no network).
enum HTMLReportScript {
  /// Runs first, in the head: records every error (script errors, failed images, rejected
  /// promises, console.error) in `window.reportErrors` and the page's `#errors` list, so a
  /// headless browser's DOM dump shows them.
  static let errorHook = #"""
    window.reportErrors = [];
    window.recordReportError = function (message) {
      window.reportErrors.push(String(message));
      var list = document.getElementById('errors');
      if (list) {
        var item = document.createElement('li');
        item.textContent = String(message);
        list.appendChild(item);
        list.hidden = false;
      }
    };
    window.addEventListener('error', function (e) {
      var where = e.filename ? ' (' + e.filename + ':' + e.lineno + ')' : '';
      var what = e.message || ('cannot load ' + ((e.target && (e.target.src || e.target.tagName)) || 'a resource'));
      window.recordReportError(String(what).slice(0, 300) + where);
    }, true);
    window.addEventListener('unhandledrejection', function (e) {
      window.recordReportError('unhandled rejection: ' + ((e.reason && e.reason.message) || e.reason));
    });
    (function () {
      var original = console.error;
      console.error = function () {
        window.recordReportError('console.error: ' + Array.prototype.join.call(arguments, ' '));
        original.apply(console, arguments);
      };
    })();
    """#

  /// The page: decodes the embedded images, draws the grid and the detail view, and writes a
  /// self-check (`#self-check`: cells rendered, cells expected, errors) when done. Opening the
  /// page with `#cell=P,R,C` clicks that cell (panel P, row R, column C; column 0 is clean),
  /// `&keys=ArrowRight,Escape` then presses those keys, and `&sort=`, `&filter=`, `&colormap=`,
  /// `&scale=` set those controls first: how tests drive it in a headless browser.
  static let main = #"""
    'use strict';
    (function () {
      const data = JSON.parse(document.getElementById('report-data').textContent);
      const $ = (id) => document.getElementById(id);
      const panels = data.panels;
      const S = data.columns.length;          // severities; column 0 is the clean cell
      const R = data.rows.length;
      const metrics = ['rankCorrelation', 'topIoU', 'centerShift', 'entropyChange'];
      const metricNames = {
        rankCorrelation: 'rank correlation (Spearman)', topIoU: 'top-20% IoU',
        centerShift: 'centre-of-mass shift (px)', entropyChange: 'entropy change (bits)'
      };
      const state = {
        colorMap: data.display.colorMap, shared: data.display.sharedScale, weight: data.display.imageWeight,
        sort: 'original', filter: 'all', selected: null, open: false
      };

      function table(hex) {
        const t = new Uint8Array(hex.length / 2);
        for (let i = 0; i < t.length; i++) t[i] = parseInt(hex.substr(2 * i, 2), 16);
        return t;
      }
      const luts = {};
      for (const name of Object.keys(data.colorMaps)) luts[name] = table(data.colorMaps[name]);
      const diffLut = table(data.differenceColorMap);

      function cellAt(p, r, c) { return c === 0 ? panels[p].clean : panels[p].cells[r][c - 1]; }
      function columnName(c) { return c === 0 ? 'clean' : data.columns[c - 1]; }
      function fmt(x, digits) { return typeof x === 'number' ? x.toFixed(digits) : String(x); }
      function el(tag, attrs, text) {
        const e = document.createElement(tag);
        if (attrs) for (const k of Object.keys(attrs)) e.setAttribute(k, attrs[k]);
        if (text !== undefined) e.textContent = text;
        return e;
      }

      // Decoding: every embedded image and map, once.
      function loadImage(src) {
        return new Promise((resolve, reject) => {
          const img = new Image();
          img.onload = () => resolve(img);
          img.onerror = () => reject(new Error('cannot decode an embedded image'));
          img.src = src;
        });
      }
      async function prepare(cell) {
        const [img, map] = await Promise.all([loadImage(cell.image), loadImage(cell.map)]);
        const w = img.naturalWidth, h = img.naturalHeight;
        const canvas = document.createElement('canvas');
        canvas.width = w; canvas.height = h;
        const g = canvas.getContext('2d', { willReadFrequently: true });
        g.drawImage(img, 0, 0);
        cell.rgb = g.getImageData(0, 0, w, h).data;
        // The map is stretched over the image with bilinear interpolation, as the figures do.
        g.clearRect(0, 0, w, h);
        g.imageSmoothingEnabled = true;
        g.imageSmoothingQuality = 'low';
        g.drawImage(map, 0, 0, w, h);
        const grey = g.getImageData(0, 0, w, h).data;
        const values = new Uint8Array(w * h);
        let lo = 255, hi = 0;
        for (let i = 0; i < values.length; i++) {
          const v = grey[4 * i];
          values[i] = v;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        Object.assign(cell, { w, h, values, lo, hi });
      }

      // Map values as colour-map positions in [0, 1]: per cell min-max, or the shared range.
      function positions(cell) {
        const out = new Float32Array(cell.values.length);
        if (state.shared) {
          for (let i = 0; i < out.length; i++) out[i] = cell.values[i] / 255;
        } else {
          const span = cell.hi - cell.lo;
          for (let i = 0; i < out.length; i++) out[i] = span > 0 ? (cell.values[i] - cell.lo) / span : 0;
        }
        return out;
      }
      function lutIndex(x) { return Math.max(0, Math.min(255, Math.floor(255 * x))); }

      // The overlay of show_cam_on_image: (1 - w) * colour + w * image, divided by its maximum.
      function drawOverlay(canvas, cell, weight) {
        canvas.width = cell.w; canvas.height = cell.h;
        canvas.classList.toggle('small', cell.w < 100);
        const g = canvas.getContext('2d');
        const out = g.createImageData(cell.w, cell.h);
        const o = out.data, rgb = cell.rgb, lut = luts[state.colorMap], pos = positions(cell);
        const mixed = new Float32Array(pos.length * 3);
        let peak = 0;
        for (let i = 0; i < pos.length; i++) {
          const k = 3 * lutIndex(pos[i]);
          for (let ch = 0; ch < 3; ch++) {
            const v = (1 - weight) * lut[k + ch] / 255 + weight * rgb[4 * i + ch] / 255;
            mixed[3 * i + ch] = v;
            if (v > peak) peak = v;
          }
        }
        const divisor = peak > 0 ? peak : 1;
        for (let i = 0; i < pos.length; i++) {
          for (let ch = 0; ch < 3; ch++) o[4 * i + ch] = Math.floor(255 * mixed[3 * i + ch] / divisor);
          o[4 * i + 3] = 255;
        }
        g.putImageData(out, 0, 0);
      }

      // Map minus the clean map, on a diverging scale symmetric around 0 (±largest difference).
      function drawDifference(canvas, cell, clean) {
        canvas.width = cell.w; canvas.height = cell.h;
        canvas.classList.toggle('small', cell.w < 100);
        const g = canvas.getContext('2d');
        const out = g.createImageData(cell.w, cell.h);
        if (clean.w !== cell.w || clean.h !== cell.h) return 0;
        const a = positions(cell), b = positions(clean);
        let r = 0;
        for (let i = 0; i < a.length; i++) r = Math.max(r, Math.abs(a[i] - b[i]));
        const range = r > 0 ? r : 1;
        for (let i = 0; i < a.length; i++) {
          const k = 3 * lutIndex(0.5 + 0.5 * (a[i] - b[i]) / range);
          out.data[4 * i] = diffLut[k]; out.data[4 * i + 1] = diffLut[k + 1]; out.data[4 * i + 2] = diffLut[k + 2];
          out.data[4 * i + 3] = 255;
        }
        g.putImageData(out, 0, 0);
        return r;
      }

      function drawColorBar() {
        const canvas = $('colorbar-canvas'), g = canvas.getContext('2d');
        const bar = g.createImageData(256, 1), lut = luts[state.colorMap];
        for (let i = 0; i < 256; i++) {
          bar.data[4 * i] = lut[3 * i]; bar.data[4 * i + 1] = lut[3 * i + 1]; bar.data[4 * i + 2] = lut[3 * i + 2];
          bar.data[4 * i + 3] = 255;
        }
        g.putImageData(bar, 0, 0);
        $('colorbar-lo').textContent = state.shared ? fmt(data.mapRange[0], 2) : 'min';
        $('colorbar-hi').textContent = state.shared ? fmt(data.mapRange[1], 2) : 'max';
      }

      // Rows: flips (top-1 differs from the clean image's) and mean shift numbers over panels.
      function flipped(p, r, c) { return c > 0 && cellAt(p, r, c).top[0].label !== panels[p].clean.top[0].label; }
      const rowStats = data.rows.map((name, r) => {
        const stats = { flips: 0, minRank: Infinity };
        const sums = {};
        for (const m of metrics) sums[m] = 0;
        let n = 0;
        panels.forEach((panel, p) => {
          for (let c = 1; c <= S; c++) {
            if (flipped(p, r, c)) stats.flips++;
            const s = cellAt(p, r, c).shift;
            if (!s) continue;
            n++;
            for (const m of metrics) sums[m] += Number(s[m]);
            stats.minRank = Math.min(stats.minRank, Number(s.rankCorrelation));
          }
        });
        for (const m of metrics) stats[m] = n > 0 ? sums[m] / n : 0;
        return stats;
      });
      function visibleRows() {
        let rows = data.rows.map((_, r) => r);
        const f = state.filter;
        if (f === 'flips') rows = rows.filter((r) => rowStats[r].flips > 0);
        if (f === 'noflips') rows = rows.filter((r) => rowStats[r].flips === 0);
        if (f === 'shifted') rows = rows.filter((r) => rowStats[r].minRank < 0.5);
        const k = state.sort;
        if (k !== 'original') {
          const ascending = k === 'rankCorrelation' || k === 'topIoU';
          rows.sort((a, b) => {
            const d = ascending ? rowStats[a][k] - rowStats[b][k] : rowStats[b][k] - rowStats[a][k];
            return d !== 0 ? d : a - b;
          });
        }
        return rows;
      }

      // The grid: one table, a group of columns (clean + severities) per panel.
      const cellElements = new Map();   // "p,r,c" -> td
      function key(p, r, c) { return p + ',' + r + ',' + c; }
      function buildGrid() {
        const head = $('grid').tHead;
        const top = el('tr'), second = el('tr');
        top.appendChild(el('th'));
        second.appendChild(el('th'));
        panels.forEach((panel, p) => {
          if (p > 0) { top.appendChild(el('th', { class: 'gap' })); second.appendChild(el('th', { class: 'gap' })); }
          const th = el('th', { class: 'panel', colspan: String(S + 1) }, panel.title);
          th.appendChild(el('small', null, panel.subtitle));
          top.appendChild(th);
          for (let c = 0; c <= S; c++) second.appendChild(el('th', null, columnName(c)));
        });
        head.appendChild(top);
        head.appendChild(second);
        const body = $('grid').tBodies[0];
        data.rows.forEach((name, r) => {
          const tr = el('tr', { 'data-row': String(r) });
          const th = el('th', null, name);
          const st = rowStats[r];
          th.appendChild(el('small', null, 'flips ' + st.flips + ' · mean ρ ' + fmt(st.rankCorrelation, 2)));
          tr.appendChild(th);
          panels.forEach((panel, p) => {
            if (p > 0) tr.appendChild(el('td', { class: 'gap' }));
            for (let c = 0; c <= S; c++) {
              const cell = cellAt(p, r, c);
              const td = el('td', { class: 'cell', 'data-panel': String(p), 'data-row': String(r), 'data-column': String(c) });
              td.title = panel.title + ' · ' + name + ' · ' + columnName(c);
              td.appendChild(el('canvas', { class: 'thumb' }));
              const caption = el('div', { class: 'caption' });
              caption.appendChild(el('span', { class: 'mark ' + (cell.correct ? 'ok' : 'bad') }, cell.correct ? '✔ ' : '✘ '));
              caption.appendChild(document.createTextNode(cell.top[0].label + ' ' + fmt(cell.top[0].probability, 2)));
              td.appendChild(caption);
              td.addEventListener('click', () => { select(p, r, c); openDetail(); });
              cellElements.set(key(p, r, c), td);
              tr.appendChild(td);
            }
          });
          body.appendChild(tr);
        });
      }
      function renderGrid() {
        for (const td of cellElements.values()) {
          const p = Number(td.dataset.panel), r = Number(td.dataset.row), c = Number(td.dataset.column);
          drawOverlay(td.querySelector('canvas'), cellAt(p, r, c), data.display.imageWeight);
          td.dataset.rendered = 'true';
        }
        drawColorBar();
      }
      function layoutRows() {
        const rows = visibleRows(), body = $('grid').tBodies[0];
        const byRow = new Map(Array.from(body.rows).map((tr) => [Number(tr.dataset.row), tr]));
        for (const tr of byRow.values()) tr.hidden = true;
        for (const r of rows) { const tr = byRow.get(r); tr.hidden = false; body.appendChild(tr); }
        $('row-count').textContent = rows.length + ' of ' + R + ' rows';
      }

      // Selection and keyboard navigation.
      function select(p, r, c) {
        if (state.selected) {
          const old = cellElements.get(key(state.selected.p, state.selected.r, state.selected.c));
          if (old) old.classList.remove('selected');
        }
        state.selected = { p, r, c };
        const td = cellElements.get(key(p, r, c));
        td.classList.add('selected');
        td.scrollIntoView({ block: 'nearest', inline: 'nearest' });
        if (state.open) renderDetail();
      }
      function move(dx, dy) {
        const rows = visibleRows();
        if (rows.length === 0) return;
        if (!state.selected || !rows.includes(state.selected.r)) { select(0, rows[0], 0); return; }
        const width = S + 1;
        let x = state.selected.p * width + state.selected.c + dx;
        x = Math.max(0, Math.min(panels.length * width - 1, x));
        let i = rows.indexOf(state.selected.r) + dy;
        i = Math.max(0, Math.min(rows.length - 1, i));
        select(Math.floor(x / width), rows[i], x % width);
      }
      document.addEventListener('keydown', (e) => {
        if (e.target && e.target.tagName === 'SELECT') return;
        const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
        if (e.key === 'Escape' && state.open) { closeDetail(); e.preventDefault(); return; }
        if (e.key === 'Enter' && state.selected && !state.open) { openDetail(); e.preventDefault(); return; }
        if (steps[e.key] && !(e.target && e.target.type === 'range')) {
          move(steps[e.key][0], steps[e.key][1]);
          e.preventDefault();
        }
      });

      // The detail: the clicked (row, column) in every panel, the clicked panel marked.
      function openDetail() {
        state.open = true;
        $('detail').hidden = false;
        renderDetail();
      }
      function closeDetail() {
        state.open = false;
        $('detail').hidden = true;
      }
      function arrow(svg, cell, clean) {
        const ns = 'http://www.w3.org/2000/svg';
        const w = cell.w, h = cell.h;
        svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
        svg.setAttribute('preserveAspectRatio', 'none');
        const x0 = clean.centerOfMass[0] * w, y0 = clean.centerOfMass[1] * h;
        const x1 = cell.centerOfMass[0] * w, y1 = cell.centerOfMass[1] * h;
        const unit = Math.max(w, h) / 224;   // drawing units per screen pixel at 224 px
        const add = (tag, attrs) => {
          const e = document.createElementNS(ns, tag);
          for (const k of Object.keys(attrs)) e.setAttribute(k, String(attrs[k]));
          svg.appendChild(e);
          return e;
        };
        const length = Math.hypot(x1 - x0, y1 - y0);
        if (length > 2 * unit) {
          const head = Math.min(10 * unit, length / 2), ux = (x1 - x0) / length, uy = (y1 - y0) / length;
          const bx = x1 - ux * head, by = y1 - uy * head;
          for (const [stroke, width] of [['black', 4.5], ['white', 2.5]]) {
            add('line', { x1: x0, y1: y0, x2: bx, y2: by, stroke, 'stroke-width': width * unit, 'stroke-linecap': 'round' });
            add('polygon', {
              points: [x1, y1, bx - uy * head * 0.5, by + ux * head * 0.5, bx + uy * head * 0.5, by - ux * head * 0.5].join(' '),
              fill: stroke, stroke, 'stroke-width': (width - 2.5) * unit
            });
          }
        }
        add('circle', { cx: x0, cy: y0, r: 4 * unit, fill: 'none', stroke: 'white', 'stroke-width': 2 * unit, class: 'com-clean' });
        add('circle', { cx: x1, cy: y1, r: 3 * unit, fill: 'white', stroke: 'black', 'stroke-width': unit, class: 'com-cell' });
      }
      function view(label, attrs) {
        const figure = el('figure', attrs);
        const frame = el('div', { class: 'frame' });
        const canvas = el('canvas');
        frame.appendChild(canvas);
        figure.appendChild(frame);
        figure.appendChild(el('figcaption', null, label));
        return { figure, frame, canvas };
      }
      function renderDetail() {
        if (!state.selected) return;
        const { p: clicked, r, c } = state.selected;
        const box = $('detail-panels');
        box.textContent = '';
        $('detail').dataset.panel = String(clicked);
        $('detail').dataset.row = String(r);
        $('detail').dataset.column = String(c);
        $('detail-title').textContent = data.rows[r] + ' · ' + columnName(c);
        $('weight').value = String(state.weight);
        $('weight-value').textContent = fmt(state.weight, 2);
        panels.forEach((panel, p) => {
          const cell = cellAt(p, r, c), clean = panel.clean;
          const section = el('section', { class: 'detail-panel' + (p === clicked ? ' clicked' : ''), 'data-panel': String(p) });
          const h3 = el('h3', null, panel.title + ' ');
          h3.appendChild(el('small', null, panel.subtitle));
          section.appendChild(h3);
          const views = el('div', { class: 'views' });
          const main = view(data.rows[r] + ' · ' + columnName(c), { class: 'view-cell' });
          drawOverlay(main.canvas, cell, state.weight);
          const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
          main.frame.appendChild(svg);
          arrow(svg, cell, clean);
          const cleanView = view('clean', { class: 'view-clean' });
          drawOverlay(cleanView.canvas, clean, state.weight);
          const mapView = view('map alone', { class: 'view-map' });
          drawOverlay(mapView.canvas, cell, 0);
          const diffView = view('', { class: 'view-difference' });
          const range = drawDifference(diffView.canvas, cell, clean);
          diffView.figure.querySelector('figcaption').textContent = 'map − clean map (±' + fmt(range, 2) + ')';
          for (const v of [main, cleanView, mapView, diffView]) views.appendChild(v.figure);
          section.appendChild(views);

          const numbers = el('div', { class: 'numbers' });
          const top = el('table', { class: 'top5' });
          top.appendChild(el('caption', null, 'prediction (top ' + cell.top.length + ')'));
          cell.top.forEach((t, i) => {
            const tr = el('tr', { 'data-panel': String(p), 'data-rank': String(i) });
            tr.appendChild(el('td', { 'data-key': 'label' }, t.label));
            tr.appendChild(el('td', { class: 'num', 'data-key': 'probability', 'data-value': String(t.probability) }, fmt(t.probability, 4)));
            top.appendChild(tr);
          });
          const mark = el('p', { class: 'mark ' + (cell.correct ? 'ok' : 'bad'), 'data-panel': String(p), 'data-correct': String(cell.correct) },
            cell.correct ? '✔ correct' : '✘ incorrect');
          const shift = el('table', { class: 'shift' });
          shift.appendChild(el('caption', null, c === 0 ? 'attention shift: the clean map is the reference' : 'attention shift vs the clean map'));
          for (const m of metrics) {
            const tr = el('tr');
            tr.appendChild(el('th', null, metricNames[m]));
            const value = cell.shift ? cell.shift[m] : null;
            const attrs = { class: 'num', 'data-panel': String(p), 'data-key': m };
            if (value !== null) attrs['data-value'] = String(value);
            tr.appendChild(el('td', attrs, value === null ? '—' : fmt(value, 4)));
            shift.appendChild(tr);
          }
          const left = el('div');
          left.appendChild(top);
          left.appendChild(mark);
          numbers.appendChild(left);
          numbers.appendChild(shift);
          section.appendChild(numbers);
          box.appendChild(section);
        });
      }

      // Controls.
      function fillControls() {
        $('title').textContent = data.title;
        $('subtitle').textContent = data.subtitle;
        document.title = data.title;
        for (const name of Object.keys(luts)) $('colormap').appendChild(el('option', { value: name }, name));
        $('colormap').value = state.colorMap;
        $('scale').value = state.shared ? 'shared' : 'per-cell';
        $('colormap').addEventListener('change', (e) => { state.colorMap = e.target.value; renderGrid(); if (state.open) renderDetail(); });
        $('scale').addEventListener('change', (e) => { state.shared = e.target.value === 'shared'; renderGrid(); if (state.open) renderDetail(); });
        $('sort').addEventListener('change', (e) => { state.sort = e.target.value; layoutRows(); });
        $('filter').addEventListener('change', (e) => { state.filter = e.target.value; layoutRows(); });
        $('weight').addEventListener('input', (e) => { state.weight = Number(e.target.value); renderDetail(); });
        $('detail-close').addEventListener('click', closeDetail);
        $('detail').addEventListener('click', (e) => { if (e.target === $('detail')) closeDetail(); });
      }

      async function start() {
        for (const message of window.reportErrors) {
          const item = el('li', null, message);
          $('errors').appendChild(item);
          $('errors').hidden = false;
        }
        fillControls();
        const cells = [];
        for (const panel of panels) { cells.push(panel.clean); for (const row of panel.cells) cells.push(...row); }
        await Promise.all(cells.map(prepare));
        buildGrid();
        renderGrid();
        layoutRows();
        for (const control of ['colormap', 'scale', 'sort', 'filter']) {
          const m = new RegExp('[#&]' + control + '=([A-Za-z-]+)').exec(location.hash);
          if (m) { $(control).value = m[1]; $(control).dispatchEvent(new Event('change')); }
        }
        const wanted = /[#&]cell=(\d+),(\d+),(\d+)/.exec(location.hash);
        if (wanted) {
          const td = cellElements.get(key(Number(wanted[1]), Number(wanted[2]), Number(wanted[3])));
          if (td) td.click(); else window.recordReportError('no cell ' + wanted[0].slice(6));
        }
        const keys = /[#&]keys=([A-Za-z,]+)/.exec(location.hash);
        if (keys) {
          for (const k of keys[1].split(',')) document.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
        }
      }
      start().catch((e) => window.recordReportError('report script: ' + (e && e.stack || e))).finally(() => {
        const expected = panels.length * R * (S + 1);
        const rendered = document.querySelectorAll('td.cell[data-rendered="true"]').length;
        $('self-check').textContent = JSON.stringify({ rendered, expected, errors: window.reportErrors });
        document.documentElement.dataset.ready = 'true';
      });
    })();
    """#
}
