/** The web app's entry: styles, the double-click and stray-drop guards, then the app into #app. */
import { render } from 'preact';
import './styles.css';
import { App } from './app.js';
import { actOncePerDoubleClick } from './components/single-click.js';
import { keepStrayDrops } from './components/stray-drop.js';

actOncePerDoubleClick(window);
keepStrayDrops(window);
render(<App />, document.getElementById('app')!);
