//! `TaskProfilesClient`: the entry point of the export.

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::export::Export;
use crate::interop::error_to_js;
use crate::transport::Transport;

/// A client of the Export Employee Task Profiles endpoint.
#[wasm_bindgen]
pub struct TaskProfilesClient {
    transport: Rc<Transport>,
}

#[wasm_bindgen]
impl TaskProfilesClient {
    /// Validates the options: `baseUrl` or `tenant` + `region`, `token`, `fetch`, retries and
    /// timeouts.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<TaskProfilesClient, JsValue> {
        let transport = Transport::new(&options).map_err(error_to_js)?;
        Ok(TaskProfilesClient {
            transport: Rc::new(transport),
        })
    }

    /// The base URL requests go to.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.transport.config.base_url.clone()
    }

    /// The export, validated and not started: nothing is sent until it is iterated.
    #[wasm_bindgen(js_name = exportTaskProfiles)]
    pub fn export_task_profiles(&self, params: JsValue) -> Result<Export, JsValue> {
        Export::new(self.transport.clone(), &params).map_err(error_to_js)
    }
}
