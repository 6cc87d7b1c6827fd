// The command centre's large screen: every chart, refreshed from the JSON endpoint.
(function () {
  var config = document.getElementById("screen-config").dataset;
  var url = config.url;
  var charts = {};
  var text = {color: "#d8e6ff", fontSize: 16};
  function chart(id) { var el = document.getElementById(id); return charts[id] || (charts[id] = echarts.init(el, null, {renderer: "canvas"})); }
  function go(u) { if (u) { window.location.href = u; } }
  function draw(d) {
    document.getElementById("total").textContent = d.total;
    document.getElementById("refreshed").textContent = d.refreshed;
    var s = chart("chart-status");
    s.setOption({animation: false, textStyle: text, tooltip: {}, color: ["#3ddc97", "#ffc53d", "#ff6b6b", "#5b6b82"],
      series: [{type: "pie", radius: ["40%", "70%"], label: {color: "#d8e6ff", fontSize: 18, formatter: "{b} {c}"}, data: d.status}]});
    s.off("click"); s.on("click", function (p) { go(d.status[p.dataIndex].url); });
    var t = chart("chart-tasks");
    t.setOption({animation: false, textStyle: text, tooltip: {trigger: "axis"}, legend: {top: 0, right: 0, textStyle: text, data: ["已完成", "进行中", "逾期"]},
      grid: {left: 150, right: 20, top: 40, bottom: 20}, xAxis: {type: "value", axisLabel: text}, yAxis: {type: "category", data: d.tasks.names, axisLabel: {color: "#d8e6ff", fontSize: 13}},
      series: [{name: "已完成", type: "bar", stack: "m", data: d.tasks.done, color: "#3ddc97"}, {name: "进行中", type: "bar", stack: "m", data: d.tasks.open, color: "#4aa3ff"}, {name: "逾期", type: "bar", stack: "m", data: d.tasks.overdue, color: "#ff6b6b"}]});
    t.off("click"); t.on("click", function (p) { go(d.tasks.url + (p.seriesName === "逾期" ? "?overdue=1" : "")); });
    var r = chart("chart-ranking");
    r.setOption({animation: false, textStyle: text, tooltip: {}, grid: {left: 110, right: 40, top: 10, bottom: 20},
      xAxis: {type: "value", max: 100, axisLabel: text}, yAxis: {type: "category", inverse: true, data: d.ranking.names, axisLabel: {color: "#d8e6ff", fontSize: 16}},
      series: [{type: "bar", data: d.ranking.values, color: "#4aa3ff", label: {show: true, position: "right", color: "#d8e6ff"}}]});
    r.off("click"); r.on("click", function () { go(d.ranking.url); });
    var holder = document.getElementById("trajectories");
    d.trajectories.forEach(function (item) {  // lay out every panel before any chart measures itself
      var id = "chart-" + item.code.replace(/\./g, "-");
      if (!document.getElementById(id)) {
        var panel = document.createElement("section"); panel.className = "panel";
        panel.innerHTML = '<h2><span></span> <a href="' + item.detail + '"></a></h2><div class="chart" data-chart id="' + id + '"></div>';
        holder.appendChild(panel);
      }
    });
    holder.style.gridTemplateRows = "repeat(" + Math.max(1, Math.ceil(d.trajectories.length / 3)) + ", minmax(0, 1fr))";
    d.trajectories.forEach(function (item) {
      var id = "chart-" + item.code.replace(/\./g, "-");
      var el = document.getElementById(id), head = el.previousElementSibling;
      head.lastElementChild.textContent = item.name;
      head.firstElementChild.textContent = "【" + item.status_label + "】"; head.firstElementChild.className = "status-" + item.status;
      var c = chart(id);
      c.setOption({animation: false, textStyle: text, tooltip: {trigger: "axis"}, grid: {left: 60, right: 20, top: 20, bottom: 30},
        xAxis: {type: "category", data: item.years, axisLabel: text}, yAxis: {type: "value", scale: true, axisLabel: text},
        series: [{name: "实际值", type: "bar", data: item.values, color: "#4aa3ff"},
                 {name: "应达进度", type: "line", data: item.path, color: "#ffc53d", lineStyle: {type: "dashed"},
                  markLine: item.target === null ? undefined : {symbol: "none", lineStyle: {color: "#ff6b6b"}, label: {color: "#ff6b6b", position: "insideEndTop", formatter: "目标 " + item.target}, data: [{yAxis: item.target}]}}]});
      // A click anywhere in a year's column opens the records behind that year (a wall screen's
      // bars can be a few pixels high).
      c.getZr().off("click");
      c.getZr().on("click", function (e) {
        var at = [e.offsetX, e.offsetY];
        if (!c.containPixel("grid", at)) return;
        var index = Math.round(c.convertFromPixel({seriesIndex: 0}, at)[0]);
        go((item.urls || [])[index] || item.detail);
      });
    });
    Object.keys(charts).forEach(function (key) { charts[key].resize(); });
    document.body.dataset.drawn = String(Object.keys(charts).length);
  }
  function load() { fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(draw); }
  load();
  setInterval(load, Number(config.refresh) * 1000);
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (key) { charts[key].resize(); }); });
})();
