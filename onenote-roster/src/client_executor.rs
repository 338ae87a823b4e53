//! `ClientExecutor`: the [`Executor`] over the OneNote client, at one location. Every write is
//! one request of the client (paced by it, and repeated by it only when the answer proves it
//! was not processed); failures are classified by [`WriteError::from_api`], polls of an
//! accepted create by [`WriteError::from_poll`].

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use onenote_api::{
    Clock, CreateClassNotebook, Location, Notes, OperationHandle, TokioClock, WaitObserver,
    WaitOptions,
};

use crate::actual::ActualClass;
use crate::executor::{Executor, Outcome, Progress, WriteError};
use crate::roster::{Member, Role, name_key};

/// Sends the engine's requests through a OneNote client at one location (`client.me()`,
/// `client.group(id)`, …).
///
/// Requests go through the client's pacing; its waits reach the run's events as
/// [`Event::WaitingForQuota`](crate::Event::WaitingForQuota) (every wait of the client's
/// [`Pacer`](onenote_api::Pacer), so also those of other clients sharing it).
pub struct ClientExecutor<L> {
    notes: Notes<L>,
    wait_timeout: Option<Duration>,
    poll_interval: Option<Duration>,
    /// What the engine's pauses wait on.
    clock: Arc<dyn Clock>,
    /// Forwards the pacer's waits to the run this executor serves.
    observer: Mutex<Option<WaitObserver>>,
}

impl<L: std::fmt::Debug> std::fmt::Debug for ClientExecutor<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientExecutor")
            .field("notes", &self.notes)
            .field("wait_timeout", &self.wait_timeout)
            .field("poll_interval", &self.poll_interval)
            .finish_non_exhaustive()
    }
}

impl<L: Location> ClientExecutor<L> {
    /// An executor for the class notebooks at `notes`.
    pub fn new(notes: Notes<L>) -> Self {
        Self {
            notes,
            wait_timeout: None,
            poll_interval: None,
            clock: Arc::new(TokioClock),
            observer: Mutex::new(None),
        }
    }

    /// The clock the engine's pauses wait on (default [`TokioClock`]); give the client's, a
    /// test's `ManualClock`, so no wait takes real time.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How long an asynchronous create is waited for (default: [`WaitOptions`]' 10 minutes).
    /// When it runs out, the step is left for the resumed run, which polls the same operation.
    pub fn wait_timeout(mut self, timeout: Duration) -> Self {
        self.wait_timeout = Some(timeout);
        self
    }

    /// The first wait between polls of an asynchronous create (default: [`WaitOptions`]' 1 s,
    /// doubling).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = Some(interval);
        self
    }

    fn wait_options(&self) -> WaitOptions {
        let mut options = WaitOptions::new();
        if let Some(timeout) = self.wait_timeout {
            options = options.timeout(timeout);
        }
        if let Some(interval) = self.poll_interval {
            options = options.interval(interval);
        }
        options
    }
}

fn missing_id(name: &str) -> WriteError {
    // The create may well have worked: the engine looks the notebook up by name.
    WriteError::new(
        Outcome::Unknown,
        format!("the service created {name:?} but returned no id"),
    )
}

impl<L: Location + 'static> Executor for ClientExecutor<L> {
    fn pause(&self, duration: Duration) -> impl Future<Output = ()> + Send {
        self.clock.sleep(duration)
    }

    fn attach(&self, progress: Progress) {
        let observer = self.notes.client().pacer().map(|pacer| {
            pacer.observe_waits(move |wait| progress.waiting_for_quota(wait.at_least, wait.cause))
        });
        *self.observer.lock().unwrap_or_else(PoisonError::into_inner) = observer;
    }

    fn create(
        &self,
        body: CreateClassNotebook,
    ) -> impl Future<Output = Result<String, WriteError>> + Send {
        let name = body.name.clone();
        let request = self.notes.class_notebooks().create(body);
        async move {
            let notebook = request.send().await.map_err(WriteError::from_api)?;
            notebook.id.ok_or_else(|| missing_id(&name))
        }
    }

    fn start_create(
        &self,
        body: CreateClassNotebook,
    ) -> impl Future<Output = Result<String, WriteError>> + Send {
        let request = self.notes.class_notebooks().create(body).respond_async();
        async move {
            let handle = request.send().await.map_err(WriteError::from_api)?;
            Ok(handle.location().to_owned())
        }
    }

    fn finish_create(
        &self,
        location: &str,
    ) -> impl Future<Output = Result<Option<String>, WriteError>> + Send {
        let handle = OperationHandle::from_location(self.notes.client(), location);
        let wait = self.wait_options();
        async move {
            let handle = handle.map_err(WriteError::from_poll)?;
            let operation = handle
                .wait_with(wait)
                .await
                .map_err(WriteError::from_poll)?;
            Ok(operation.resource_id)
        }
    }

    fn add(
        &self,
        notebook_id: &str,
        role: Role,
        member: &Member,
    ) -> impl Future<Output = Result<(), WriteError>> + Send {
        let notebook = self.notes.class_notebook(notebook_id);
        let principal = member.to_principal();
        let request = match role {
            Role::Teacher => Add::Teacher(notebook.teachers().add(principal)),
            Role::Student => Add::Student(notebook.students().add(principal)),
        };
        async move {
            match request {
                Add::Teacher(request) => request.send().await.map(drop),
                Add::Student(request) => request.send().await.map(drop),
            }
            .map_err(WriteError::from_api)
        }
    }

    fn remove(
        &self,
        notebook_id: &str,
        role: Role,
        principal_id: &str,
    ) -> impl Future<Output = Result<(), WriteError>> + Send {
        let notebook = self.notes.class_notebook(notebook_id);
        let request = match role {
            Role::Teacher => Remove::Teacher(notebook.teacher(principal_id).remove()),
            Role::Student => Remove::Student(notebook.student(principal_id).remove()),
        };
        async move {
            match request {
                Remove::Teacher(request) => request.send().await,
                Remove::Student(request) => request.send().await,
            }
            .map_err(WriteError::from_api)
        }
    }

    fn class(
        &self,
        notebook_id: &str,
    ) -> impl Future<Output = Result<Option<ActualClass>, WriteError>> + Send {
        let request = self
            .notes
            .class_notebook(notebook_id)
            .get()
            .expand(["teachers", "students"]);
        async move {
            match request.send().await {
                Ok(notebook) => ActualClass::from_notebook(notebook)
                    .map(Some)
                    .map_err(|problem| WriteError::new(Outcome::Unknown, problem.to_string())),
                Err(error) if error.status() == Some(404) => Ok(None),
                Err(error) => Err(WriteError::from_api(error)),
            }
        }
    }

    /// Lists every class notebook's id and name (so names compare without regard to case,
    /// whatever `$filter` would do), then reads the matches with their members.
    fn find(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Vec<ActualClass>, WriteError>> + Send {
        let mut listing = self
            .notes
            .class_notebooks()
            .list()
            .select(["id", "name"])
            .stream();
        let notes = self.notes.clone();
        let key = name_key(name);
        async move {
            let mut ids = Vec::new();
            while let Some(notebook) = listing.next_item().await {
                let notebook = notebook.map_err(WriteError::from_api)?;
                if let (Some(id), Some(name)) = (notebook.id, notebook.name)
                    && name_key(&name) == key
                {
                    ids.push(id);
                }
            }
            let mut found = Vec::with_capacity(ids.len());
            for id in ids {
                let request = notes
                    .class_notebook(&id)
                    .get()
                    .expand(["teachers", "students"]);
                match request.send().await {
                    Ok(notebook) => {
                        found.push(ActualClass::from_notebook(notebook).map_err(|problem| {
                            WriteError::new(Outcome::Unknown, problem.to_string())
                        })?)
                    }
                    // Deleted between the listing and the read.
                    Err(error) if error.status() == Some(404) => {}
                    Err(error) => return Err(WriteError::from_api(error)),
                }
            }
            Ok(found)
        }
    }
}

enum Add {
    Teacher(onenote_api::AddTeacherRequest),
    Student(onenote_api::AddStudentRequest),
}

enum Remove {
    Teacher(onenote_api::RemoveTeacherRequest),
    Student(onenote_api::RemoveStudentRequest),
}
