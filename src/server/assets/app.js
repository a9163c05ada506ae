// The nianbao page: upload a report, show the text with each finding's span marked,
// the findings beside it, filters, and downloads. The DOM is built with textContent
// only: report text is never parsed as HTML. No external request is ever made.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const SEVERITIES = ['error', 'warning', 'info'];
  const SEV_NAME = { error: '错误', warning: '警告', info: '提示' };
  let current = null; // { file, view, marks: [[mark…] per finding], items: [li…] }
  let lastFinding = null;

  function setStatus(text) { $('status').textContent = text; }
  function showError(data) {
    $('error-message').textContent = data.error || '无法检查这个文件';
    $('error-help').textContent = data.help ? '建议：' + data.help : '';
    $('error').hidden = false;
  }
  function hideError() { $('error').hidden = true; }

  // Drag and drop anywhere on the page, or choose a file.
  const drop = $('drop');
  document.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  document.addEventListener('dragleave', (e) => { if (!e.relatedTarget) drop.classList.remove('over'); });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer && e.dataTransfer.files[0];
    if (f) check(f);
  });
  $('file').addEventListener('change', () => {
    const f = $('file').files[0];
    if (f) check(f);
  });

  function post(path, file) {
    const body = new FormData();
    body.append('file', file, file.name);
    return fetch(path, { method: 'POST', body, credentials: 'omit' });
  }

  async function check(file) {
    document.body.dataset.state = 'checking';
    setStatus('正在检查 ' + file.name + ' …');
    hideError();
    let res, data = null;
    try {
      res = await post('/api/view', file);
      data = await res.json();
    } catch (e) {
      res = res || { ok: false, status: 0 };
    }
    if (!res.ok || !data || !data.findings) {
      $('result').hidden = true;
      showError(data && data.error ? data : { error: '服务器没有返回结果（' + res.status + '）', help: '确认 nianbao 服务器仍在运行' });
      setStatus('');
      document.body.dataset.state = 'error';
      return;
    }
    current = { file, view: data, marks: [], items: [] };
    render(data);
    const c = data.counts;
    setStatus('检查完成：' + file.name + '，' + c.errors + ' 个错误，' + c.warnings + ' 个警告，' + c.infos + ' 个提示');
    document.body.dataset.state = 'done';
  }

  function worst(indices, findings) {
    for (const s of SEVERITIES) {
      if (indices.some((i) => findings[i].severity === s)) return s;
    }
    return 'info';
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function render(v) {
    $('doc-name').textContent = v.name;
    $('doc-kind').textContent = v.kind;
    $('dl-docx').hidden = !v.docx;
    // The text, with marks.
    const text = $('text');
    text.textContent = '';
    const marks = v.findings.map(() => []);
    const frag = document.createDocumentFragment();
    v.pieces.forEach((p, k) => {
      if (p.f.length === 0) {
        frag.appendChild(document.createTextNode(p.t));
        return;
      }
      const m = el('mark', worst(p.f, v.findings) + (p.t === '' ? ' point' : ''), p.t);
      m.id = 'm' + k;
      m.tabIndex = 0;
      m.dataset.f = p.f.join(' ');
      m.title = p.f.map((i) => v.findings[i].rule + ' ' + v.findings[i].message).join('；');
      p.f.forEach((i) => marks[i].push(m));
      frag.appendChild(m);
    });
    text.appendChild(frag);
    current.marks = marks;
    // Counts.
    const counts = $('counts');
    counts.textContent = '';
    [['error', v.counts.errors], ['warning', v.counts.warnings], ['info', v.counts.infos]].forEach(([s, n]) => {
      counts.appendChild(el('span', 'n ' + s, SEV_NAME[s] + ' ' + n));
    });
    // Family filter: the families present.
    const fam = $('fam-filter');
    fam.querySelectorAll('label').forEach((l) => l.remove());
    const families = [...new Set(v.extra.map((x) => x.family))];
    families.forEach((f) => {
      const label = el('label');
      const box = el('input');
      box.type = 'checkbox';
      box.value = f;
      box.checked = true;
      label.appendChild(box);
      label.appendChild(document.createTextNode(' ' + f));
      fam.appendChild(label);
    });
    // The list.
    const list = $('findings');
    list.textContent = '';
    current.items = v.findings.map((f, i) => {
      const x = v.extra[i];
      const li = el('li');
      li.id = 'f' + i;
      li.dataset.rule = f.rule;
      li.dataset.severity = f.severity;
      li.dataset.family = x.family;
      const go = el('button', 'go');
      go.type = 'button';
      go.appendChild(el('span', 'sev ' + f.severity, f.rule + ' ' + x.severity_name));
      go.appendChild(el('span', 'family', '（' + x.family + '）'));
      go.appendChild(document.createTextNode(f.message));
      go.addEventListener('click', () => toMark(i));
      li.appendChild(go);
      const where = x.word_place || (f.location ? 'Word 中' + f.location : '第 ' + f.line + ' 行第 ' + f.column + ' 列');
      li.appendChild(el('p', 'detail place', '位置：' + where + (f.label ? '（' + f.label + '）' : '')));
      f.notes.forEach((n) => li.appendChild(el('p', 'detail note', '说明：' + n)));
      if (f.help) li.appendChild(el('p', 'detail help', '建议：' + f.help));
      list.appendChild(li);
      return li;
    });
    $('none').hidden = v.findings.length > 0;
    $('result').hidden = false;
    applyFilters();
  }

  function visible(i) {
    const f = current.view.findings[i];
    const x = current.view.extra[i];
    const sev = [...$('sev-filter').querySelectorAll('input:checked')].map((b) => b.value);
    const fam = [...$('fam-filter').querySelectorAll('input:checked')].map((b) => b.value);
    return sev.includes(f.severity) && fam.includes(x.family);
  }

  function applyFilters() {
    if (!current) return;
    current.items.forEach((li, i) => { li.hidden = !visible(i); });
    $('text').querySelectorAll('mark').forEach((m) => {
      const shown = m.dataset.f.split(' ').map(Number).filter(visible);
      m.classList.toggle('dim', shown.length === 0);
      SEVERITIES.forEach((s) => m.classList.remove(s));
      m.classList.add(shown.length ? worst(shown, current.view.findings) : 'info');
    });
  }
  $('sev-filter').addEventListener('change', applyFilters);
  $('fam-filter').addEventListener('change', applyFilters);

  function activate(node, cls) {
    document.querySelectorAll('.' + cls).forEach((n) => n.classList.remove(cls));
    node.classList.add(cls);
  }

  // From a finding to its span, and back.
  function toMark(i) {
    lastFinding = i;
    activate(current.items[i], 'active');
    const m = current.marks[i][0];
    if (!m) return;
    activate(m, 'active');
    m.scrollIntoView({ block: 'center' });
    m.focus({ preventScroll: true });
  }
  function toFinding(i) {
    const li = current.items[i];
    if (!li) return;
    lastFinding = i;
    activate(li, 'active');
    li.scrollIntoView({ block: 'nearest' });
    li.querySelector('.go').focus({ preventScroll: true });
  }
  $('text').addEventListener('click', (e) => {
    const m = e.target.closest('mark');
    if (m) toFinding(Number(m.dataset.f.split(' ')[0]));
  });
  $('text').addEventListener('keydown', (e) => {
    const m = e.target.closest('mark');
    if (m && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      toFinding(Number(m.dataset.f.split(' ')[0]));
    } else if (e.key === 'Escape' && lastFinding !== null) {
      toFinding(lastFinding);
    }
  });

  // Downloads: the same file checked again, the answer saved.
  async function download(path, fallbackName) {
    if (!current) return;
    setStatus('正在生成…');
    try {
      const res = await post(path, current.file);
      if (!res.ok) {
        showError(await res.json().catch(() => ({ error: '下载失败（' + res.status + '）' })));
        setStatus('');
        return;
      }
      const blob = await res.blob();
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = fallbackName;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
      setStatus('已下载 ' + fallbackName);
    } catch (e) {
      showError({ error: '下载失败：无法连接到 nianbao 服务器', help: '确认服务器仍在运行' });
    }
  }
  function stem(name) { const i = name.lastIndexOf('.'); return i > 0 ? name.slice(0, i) : name; }
  $('dl-report').addEventListener('click', () => download('/api/report', stem(current.file.name) + '.nianbao.html'));
  $('dl-docx').addEventListener('click', () => download('/api/annotate', stem(current.file.name) + '.nianbao.docx'));
  document.body.dataset.state = 'ready';
})();
