/*
 * 在浏览器中验证双随机抽取（zhijian-draw/2，docs/inspections-draw.md §7）。
 *
 * Written from the specification, independently of the server's code: it fetches the public package
 * and recomputes every check the public can make with the browser's own SHA-256 (WebCrypto). No
 * library, no CDN: a citizen's browser verifies the draw without trusting the platform's answer.
 */
(function () {
  "use strict";

  var FORMAT = "zhijian-draw/2";
  // §1a: the strata of each kind of object, in drawing order; market entities need no objects= line
  var OBJECT_STRATA = { entities: ["A", "B", "C", "D", "U"], special_equipment: ["K", "N"] };

  function strataOf(f) {
    var strata = OBJECT_STRATA[f.objects || "entities"];
    if (!strata) throw new Error("未知的抽查对象类型：" + f.objects);
    return strata;
  }
  // §3: issue digits, draw weekdays (Monday = 0), draw time, groups [count, lowest, highest, digits, ascending]
  var GAMES = {
    fc3d: [7, [0, 1, 2, 3, 4, 5, 6], "21:15:00", [[3, 0, 9, 1, false]]],
    ssq: [7, [1, 3, 6], "21:15:00", [[6, 1, 33, 2, true], [1, 1, 16, 2, true]]],
    dlt: [5, [0, 2, 5], "21:25:00", [[5, 1, 35, 2, true], [2, 1, 12, 2, true]]],
  };
  var TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})\+08:00$/;
  var encoder = new TextEncoder();

  function hex(buffer) {
    return Array.prototype.map
      .call(new Uint8Array(buffer), function (b) { return ("0" + b.toString(16)).slice(-2); })
      .join("");
  }

  function sha256(bytes) {
    return crypto.subtle.digest("SHA-256", bytes);
  }

  function sha256Hex(text) {
    return sha256(encoder.encode(text)).then(hex);
  }

  function template(groups) {
    return groups
      .map(function (g) { return new Array(g[0]).fill("N".repeat(g[3])).join(" "); })
      .join(" + ");
  }

  function ratioText(text) {
    if (!/^(0|1|0\.\d{0,3}[1-9])$/.test(text)) throw new Error("比例不是规范写法：" + text);
    return text;
  }

  // ⌈n × ratio⌉, exactly: ratio = p / 10^d
  function drawnCount(n, ratio) {
    var parts = ratio.split(".");
    var decimals = parts.length > 1 ? parts[1].length : 0;
    var p = BigInt(parts.join("")), q = BigInt(10) ** BigInt(decimals), size = BigInt(n);
    var count = (size * p + q - BigInt(1)) / q;
    return Number(count < size ? count : size);
  }

  function resultIsCanonical(game, value) {
    var groups = GAMES[game][3], parts = value.split(" + ");
    if (parts.length !== groups.length) return false;
    for (var i = 0; i < groups.length; i++) {
      var g = groups[i], numbers = parts[i].split(" ");
      if (numbers.length !== g[0]) return false;
      var pattern = new RegExp("^[0-9]{" + g[3] + "}$");
      for (var j = 0; j < numbers.length; j++) {
        if (!pattern.test(numbers[j])) return false;
        var v = parseInt(numbers[j], 10);
        if (v < g[1] || v > g[2]) return false;
        if (g[4] && j > 0 && parseInt(numbers[j - 1], 10) >= v) return false;
      }
    }
    return true;
  }

  function frozenText(f) {
    var counts = f.counts, total = 0, lines, STRATA = strataOf(f), objects = f.objects || "entities";
    STRATA.forEach(function (s) { total += Number(counts[s]); });
    return sha256Hex(f.reason).then(function (reasonHash) {
      lines = [
        "format=" + FORMAT,
        "task=" + f.task,
        "draw=" + f.draw,
        "replaces=" + f.replaces,
        "reason_sha256=" + reasonHash,
        "redraw_limit=" + f.redraw_limit,
        "committed_at=" + f.committed_at,
      ];
      if (objects !== "entities") lines.push("objects=" + objects);
      lines.push("eligible_count=" + total);
      STRATA.forEach(function (s) { lines.push("count." + s + "=" + counts[s]); });
      lines.push("eligible_salted_sha256=" + f.eligible_salted_sha256);
      lines.push("population_sha256=" + f.population_sha256);
      STRATA.forEach(function (s) { lines.push("ratio." + s + "=" + ratioText(f.ratios[s])); });
      lines.push("beacon.game=" + f.beacon.game, "beacon.issue=" + f.beacon.issue, "beacon.due=" + f.beacon.due);
      lines.push("beacon.format=" + template(GAMES[f.beacon.game][3]), "commitment=" + f.commitment);
      return lines.map(function (line) { return line + "\n"; }).join("");
    });
  }

  function lotteryOk(f) {
    var game = GAMES[f.beacon.game], due = TIME.exec(f.beacon.due), committed = TIME.exec(f.committed_at);
    if (!game || !due || !committed) return false;
    var year = Number(due[1]);
    var prefix = game[0] === 7 ? String(year) : ("0" + (year % 100)).slice(-2);
    var issue = f.beacon.issue;
    var day = Date.UTC(year, Number(due[2]) - 1, Number(due[3]));
    var weekday = (new Date(day).getUTCDay() + 6) % 7;
    var drawDays = 0;  // the game's draw days from 1 January to the draw day: the issue cannot be later
    for (var t = Date.UTC(year, 0, 1); t <= day; t += 86400000) {
      if (game[1].indexOf((new Date(t).getUTCDay() + 6) % 7) >= 0) drawDays += 1;
    }
    return new RegExp("^[0-9]{" + game[0] + "}$").test(issue) && issue.indexOf(prefix) === 0 &&
      !/000$/.test(issue) && Number(issue.slice(prefix.length)) <= drawDays &&
      game[1].indexOf(weekday) >= 0 && due[4] === game[2] && f.beacon.due > f.committed_at;
  }

  function sortedUnique(list) {
    for (var i = 1; i < list.length; i++) if (!(list[i - 1] < list[i])) return false;
    return true;
  }

  async function verify(pkg, report) {
    if (pkg.format !== FORMAT || pkg.frozen.format !== FORMAT) {
      report(false, "未知的数据包格式：" + pkg.format);
      return;
    }
    var f = pkg.frozen, total = 0;
    if (!OBJECT_STRATA[f.objects || "entities"]) {
      report(false, "未知的抽查对象类型：" + f.objects);
      return;
    }
    var STRATA = strataOf(f);
    STRATA.forEach(function (s) { total += Number(f.counts[s]); });
    var text = await frozenText(f);
    report((await sha256Hex(text)) === pkg.frozen_sha256, "冻结参数的哈希与公布的冻结参数哈希一致");
    report(lotteryOk(f), "彩票期号、开奖日期与时间格式正确，且开奖在公布之后");
    report(Number(f.draw) <= Number(f.redraw_limit) + 1, "抽取次序未超过公布的重抽次数上限");
    report((f.replaces === "-") === (Number(f.draw) === 1), "重抽（且只有重抽）指明所替代的抽取");
    var population = pkg.population;
    report(sortedUnique(population), "公开名录按统一社会信用代码排序且无重复");
    report(population.length === total, "公开名录数量等于各类别数量之和（" + total + "户）");
    var populationText = population.map(function (u) { return u + "\n"; }).join("");
    report((await sha256Hex(populationText)) === f.population_sha256, "公开名录的哈希一致");
    if (pkg.secret === null) {
      report(true, "尚未抽取：承诺值已公布，密值将在抽取时揭示");
      return;
    }
    report((await sha256Hex(pkg.secret)) === f.commitment, "揭示的密值与事先公布的承诺值一致");
    if (pkg.beacon_value === null) {
      report(true, "本次抽取在开奖前作废，未抽取");
      return;
    }
    report(resultIsCanonical(f.beacon.game, pkg.beacon_value), "开奖号码为规范写法（只有一种写法被接受）");
    var seed = hex(await sha256(encoder.encode(pkg.frozen_sha256 + "\n" + pkg.secret + "\n" + pkg.beacon_value)));
    report(seed === pkg.seed, "种子 = SHA-256(冻结参数哈希, 密值, 开奖号码)");
    var wanted = 0;
    STRATA.forEach(function (s) { wanted += drawnCount(Number(f.counts[s]), f.ratios[s]); });
    report(pkg.selected_count === wanted, "抽取数量 = 各类别 ⌈数量×比例⌉ 之和（" + wanted + "户）");
    var selected = pkg.selected, listed = new Set(population);
    report(selected.length === pkg.selected_count && sortedUnique(selected), "抽取名单数量正确、排序且无重复");
    report(selected.every(function (u) { return listed.has(u); }), "抽中的企业都在公开名录中");
    var drawnText = selected.map(function (u) { return u + "\n"; }).join("");
    report((await sha256Hex(drawnText)) === pkg.drawn_sha256, "抽取名单的哈希一致");
  }

  function start(button) {
    var list = document.getElementById("verify-checks"), summary = document.getElementById("verify-result");
    list.textContent = "";
    summary.textContent = "正在验证…";
    summary.className = "";
    if (!window.crypto || !crypto.subtle) {
      summary.textContent = "此浏览器不支持 WebCrypto（须通过 https 访问），请用数据包和 tools/verify_draw.py 验证";
      return;
    }
    var failed = 0;
    function report(ok, label) {
      var item = document.createElement("li");
      item.className = ok ? "ok" : "fail";
      item.textContent = (ok ? "✓ " : "✗ ") + label;
      list.appendChild(item);
      if (!ok) failed += 1;
    }
    button.disabled = true;
    fetch(button.getAttribute("data-package"), { credentials: "omit" })
      .then(function (response) { return response.json(); })
      .then(function (pkg) { return verify(pkg, report); })
      .then(function () {
        summary.textContent = failed ? "验证未通过：" + failed + " 项不符" : "验证通过";
        summary.className = failed ? "flag" : "verified";
      })
      .catch(function (error) {
        summary.textContent = "无法验证：" + error.message;
        summary.className = "flag";
      })
      .finally(function () { button.disabled = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("verify-button");
    if (button) button.addEventListener("click", function () { start(button); });
  });
})();
