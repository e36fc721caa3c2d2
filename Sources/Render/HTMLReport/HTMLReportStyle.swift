/// The HTML report's style sheet (plain CSS, no external fonts or files).
enum HTMLReportStyle {
  static let css = #"""
    :root { --fg: #1d1f24; --muted: #5d636e; --line: #d6d9de; --bg: #ffffff; --panel: #f4f5f7;
            --ok: #1a7f37; --bad: #c62828; --focus: #1565c0; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
           color: var(--fg); background: var(--bg); }
    header { position: sticky; top: 0; z-index: 2; background: var(--bg); padding: 10px 16px 6px;
             border-bottom: 1px solid var(--line); }
    h1 { font-size: 17px; margin: 0 0 2px; }
    #subtitle, .hint { margin: 0 0 6px; color: var(--muted); }
    .hint { font-size: 12px; margin: 6px 0 0; }
    #controls { display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: center; }
    #controls select { font: inherit; }
    #colorbar { display: inline-flex; align-items: center; gap: 4px; font-size: 11px; color: var(--muted); }
    #colorbar-canvas { width: 140px; height: 12px; border: 1px solid var(--line); image-rendering: pixelated; }
    #row-count { color: var(--muted); }
    main { padding: 8px 16px 24px; overflow-x: auto; }
    #grid { border-collapse: separate; border-spacing: 3px; }
    #grid thead th { font-weight: 600; text-align: center; }
    #grid thead th.panel { border-bottom: 2px solid var(--line); padding: 4px 6px; }
    #grid thead th.panel small { display: block; font-weight: 400; color: var(--muted); }
    #grid tbody th { text-align: right; padding-right: 6px; font-weight: 600; white-space: nowrap; }
    #grid tbody th small { display: block; font-weight: 400; color: var(--muted); }
    td.gap, th.gap { width: 10px; }
    td.cell { padding: 2px; border: 2px solid transparent; border-radius: 4px; cursor: pointer;
              vertical-align: top; text-align: center; }
    td.cell:hover { border-color: var(--line); }
    td.cell.selected { border-color: var(--focus); }
    td.cell canvas { width: 84px; height: 84px; display: block; margin: 0 auto; }
    canvas.small { image-rendering: pixelated; }
    .caption { font-size: 11px; max-width: 88px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .mark { font-weight: 700; }
    .mark.ok { color: var(--ok); }
    .mark.bad { color: var(--bad); }
    #detail { position: fixed; inset: 0; z-index: 5; background: rgba(20, 22, 26, 0.55);
              display: flex; align-items: flex-start; justify-content: center; overflow-y: auto; padding: 24px; }
    #detail[hidden] { display: none; }
    #detail-box { background: var(--bg); border-radius: 8px; padding: 12px 16px 16px; max-width: 100%;
                  box-shadow: 0 8px 30px rgba(0, 0, 0, 0.3); }
    #detail-head { display: flex; align-items: center; gap: 18px; margin-bottom: 8px; }
    #detail-head h2 { font-size: 16px; margin: 0; flex: 1; }
    #detail-close { font-size: 20px; line-height: 1; border: 0; background: none; cursor: pointer; }
    .detail-panel { background: var(--panel); border-radius: 6px; padding: 8px 10px; margin-top: 8px;
                    border: 2px solid transparent; }
    .detail-panel.clicked { border-color: var(--focus); }
    .detail-panel h3 { font-size: 14px; margin: 0 0 6px; }
    .detail-panel h3 small { font-weight: 400; color: var(--muted); }
    .views { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-start; }
    figure { margin: 0; text-align: center; font-size: 12px; color: var(--muted); }
    figure .frame { position: relative; width: 224px; height: 224px; }
    figure canvas { width: 224px; height: 224px; display: block; }
    figure svg { position: absolute; inset: 0; width: 100%; height: 100%; pointer-events: none; }
    .numbers { display: flex; gap: 18px; flex-wrap: wrap; align-items: flex-start; margin-top: 8px; }
    .numbers table { border-collapse: collapse; font-size: 12px; }
    .numbers th, .numbers td { padding: 1px 8px 1px 0; text-align: left; }
    .numbers td.num { text-align: right; font-variant-numeric: tabular-nums; }
    .numbers caption { text-align: left; font-weight: 600; padding-bottom: 2px; }
    #errors { color: var(--bad); margin: 8px 16px; }
    """#
}
