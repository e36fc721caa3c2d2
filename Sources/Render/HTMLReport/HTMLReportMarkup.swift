/// The static elements of the HTML report's body; the script fills them from the embedded data.
enum HTMLReportMarkup {
  static let body = #"""
    <header>
      <h1 id="title"></h1>
      <p id="subtitle"></p>
      <div id="controls">
        <label>colour map <select id="colormap"></select></label>
        <label>scale <select id="scale">
          <option value="per-cell">per cell (min-max)</option>
          <option value="shared">shared</option>
        </select></label>
        <label>sort rows <select id="sort">
          <option value="original">original order</option>
          <option value="rankCorrelation">rank correlation (lowest first)</option>
          <option value="topIoU">top-20% IoU (lowest first)</option>
          <option value="centerShift">centre shift (largest first)</option>
          <option value="entropyChange">entropy change (largest first)</option>
          <option value="flips">flips (most first)</option>
        </select></label>
        <label>show <select id="filter">
          <option value="all">all rows</option>
          <option value="flips">rows with a flip</option>
          <option value="noflips">rows without flips</option>
          <option value="shifted">rows with a cell of rank correlation &lt; 0.5</option>
        </select></label>
        <span id="colorbar"><span id="colorbar-lo"></span><canvas id="colorbar-canvas" width="256" height="1"></canvas><span id="colorbar-hi"></span></span>
        <span id="row-count"></span>
      </div>
      <p class="hint">Click a cell for its detail; arrow keys move between cells, Enter opens, Escape closes.
        Flip: top-1 class differs from the clean image's. Marks: &#10004; correct, &#10008; incorrect.</p>
    </header>
    <main><table id="grid"><thead></thead><tbody></tbody></table></main>
    <div id="detail" hidden role="dialog" aria-modal="true" aria-labelledby="detail-title">
      <div id="detail-box">
        <div id="detail-head">
          <h2 id="detail-title"></h2>
          <label>image weight <input type="range" id="weight" min="0" max="1" step="0.05"> <output id="weight-value"></output></label>
          <button type="button" id="detail-close" title="close (Escape)">&#215;</button>
        </div>
        <div id="detail-panels"></div>
      </div>
    </div>
    <ul id="errors" hidden></ul>
    <pre id="self-check" hidden></pre>
    """#
}
