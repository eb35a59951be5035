import { describeSdkProject, SDK_FLOOR } from '../src/aws-sdk-suite.js';

// The oldest AWS SDK v3 release the optional peer range of @sluice/core allows.
describeSdkProject('floor', SDK_FLOOR);
