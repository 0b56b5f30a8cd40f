/** Entry of the safety-staff console bundle (built by build.mjs, served by the gateway at /). */
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { render } from 'preact';
import { App } from './app.js';

const root = document.getElementById('app');
if (root) render(<App />, root);
