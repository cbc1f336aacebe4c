/** Loaded by mocha before every test file: decorator metadata support. */
import 'reflect-metadata';
