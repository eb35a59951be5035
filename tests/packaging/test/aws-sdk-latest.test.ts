import { describeSdkProject } from '../src/aws-sdk-suite.js';

// The newest AWS SDK v3 release there is when the suite runs (npm resolves `3`).
describeSdkProject('latest', '3');
