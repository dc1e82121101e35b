import { COLLECTIONS, type Collection, signIn, signOut } from './api.js';
import { h } from './dom.js';
import { LiveList } from './live-list.js';
import './style.css';
import { type Lists, listView, overview, podView, type View } from './views.js';

const main = document.getElementById('main')!;
const logout = document.getElementById('logout')!;

function showLogin(message = ''): void {
  logout.hidden = true;
  const input = h('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'current-password',
    placeholder: 'cluster token',
    required: '',
  }) as HTMLInputElement;
  const error = h('p', { class: 'error' }, message);
  const form = h(
    'form',
    { class: 'login' },
    h('h2', {}, 'Sign in'),
    h('p', {}, 'Paste the cluster token (cluster.json → token; mkctl cluster info prints it). It is kept by the control plane, not by this page.'),
    input,
    h('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    signIn(input.value).then(
      () => location.reload(),
      (err: Error) => (error.textContent = err.message),
    );
  });
  main.replaceChildren(form);
}

let lists: Lists | undefined;
let unauthorized = false;
const onUnauthorized = () => {
  if (unauthorized) return;
  unauthorized = true;
  showLogin();
};

/** The page to draw and the lists it reads (only those are watched: see LiveList). */
function route(): { view: View; needs: Collection[] } {
  const [, first, ns, name] = location.hash.replace(/^#/, '').split('/');
  if (first === 'pods' && ns && name) return { view: podView(decodeURIComponent(ns), decodeURIComponent(name)), needs: ['pods', 'events'] };
  const titles: Record<string, [Exclude<Collection, 'events'>, string]> = {
    nodes: ['nodes', 'Nodes'],
    pods: ['pods', 'Pods'],
    services: ['services', 'Services'],
    deployments: ['deployments', 'Deployments'],
    functions: ['functions', 'Functions'],
  };
  const t = first ? titles[first] : undefined;
  return t ? { view: listView(...t), needs: [t[0]] } : { view: overview, needs: ['nodes', 'pods', 'functions', 'events'] };
}

function render(): void {
  if (unauthorized || !lists) return;
  for (const a of document.querySelectorAll('#nav a'))
    a.classList.toggle('active', location.hash.split('/')[1] === (a.getAttribute('href') ?? '').split('/')[1]);
  main.replaceChildren();
  const { view, needs } = route();
  for (const [c, list] of Object.entries(lists) as [Collection, LiveList][])
    if (needs.includes(c)) list.start();
    else list.stop();
  view(main, lists);
}

logout.addEventListener('click', () => void signOut().then(() => location.reload()));
lists = Object.fromEntries((Object.keys(COLLECTIONS) as Collection[]).map((c) => [c, new LiveList(c, onUnauthorized)])) as Lists;
logout.hidden = false;
window.addEventListener('hashchange', render);
render();
