/** The web app's entry: styles, the double-click guard, then the app into #app. */
import { render } from 'preact';
import './styles.css';
import { App } from './app.js';
import { actOncePerDoubleClick } from './components/single-click.js';

actOncePerDoubleClick(window);
render(<App />, document.getElementById('app')!);
