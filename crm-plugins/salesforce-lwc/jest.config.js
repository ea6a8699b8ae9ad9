const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

// sfdx-lwc-jest's configuration (Salesforce's LWC compiler, lightning stubs, the c/ namespace), plus the setup that
// gives jsdom what a Lightning page has (crypto.randomUUID).
module.exports = {
    ...jestConfig,
    setupFilesAfterEnv: [...(jestConfig.setupFilesAfterEnv || []), '<rootDir>/jest/setup.js'],
    testTimeout: 20000,
};
