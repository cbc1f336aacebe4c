/**
 * Access settings, contributed by authModule: the global API key and whether one is required
 * (`api.*`), and the limits on sessions, logins and application-key requests (`accessControl.*`).
 */
import { defineSettings } from '../settings/settings-section.js';

export const apiSettings = defineSettings('api', {
  key: {
    doc: 'The global API key. Generated, saved and logged once on first start when empty.',
    format: String,
    default: '',
    env: 'CUTTLE_API_KEY',
    sensitive: true,
  },
  enabled: { doc: 'Serve the REST API.', format: Boolean, default: true },
  requireKey: {
    doc: 'Require a key on the API and the push channel. Only a deliberate false here turns that off.',
    format: Boolean,
    default: true,
  },
});

export const accessControlSettings = defineSettings('accessControl', {
  sessionTimeoutMinutes: { doc: 'Minutes a login session (push socket auth, session cookie) may stay unused before it expires.', format: 'nat', default: 24 * 60 },
  reauthenticationTimeoutMinutes: {
    doc: "Minutes after a user last entered their password that a restore, a backup's download, a change to the users or a key handed out still goes without entering it again (OctoPrint's defaultReauthenticationTimeout). 0 never asks again. API keys are never asked.",
    format: 'nat',
    default: 5,
  },
  loginAttempts: { doc: 'Failed password logins one address may make within loginWindowSeconds before it must wait (429).', format: 'nat', default: 5 },
  loginWindowSeconds: { doc: 'The window of loginAttempts, in seconds.', format: 'nat', default: 60 },
  appKeyRequestTimeoutSeconds: { doc: 'Seconds an application-key request waits for approval at most before it expires (the app then gets 404).', format: 'nat', default: 300 },
  appKeyPollTimeoutSeconds: { doc: "Seconds after its app's last poll that an application-key request dies (OctoPrint: 5).", format: 'nat', default: 5 },
  appKeyPendingMax: { doc: 'Application-key requests that may wait at once; a new one past this gets 429.', format: 'nat', default: 50 },
  appKeyPendingPerAddress: { doc: 'Application-key requests one address may have waiting at once; a new one past this gets 429.', format: 'nat', default: 5 },
});
